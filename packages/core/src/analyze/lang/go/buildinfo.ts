/**
 * Go binaries: the module build information Go embeds in `.go.buildinfo` (Go 1.18+ inline
 * strings, and the older pointer form) — main module, dependencies with `=>` replacements,
 * and the toolchain version reported as the `stdlib` package.
 */
import { langAnalyzer, type LangPkg } from '../lang-package.js';
import { isElf, isExecutable, parseElf } from '../binary/elf.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

function readVarint(buf: Buffer, pos: number): [number, number] | undefined {
  let value = 0;
  let shift = 0;
  for (let i = pos; i < buf.length && i < pos + 10; i++) {
    const b = buf[i] as number;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, i + 1];
    shift += 7;
  }
  return undefined;
}

/** Returns the Go version and the raw modinfo text, or undefined when there is no buildinfo. */
export function readBuildInfo(data: Buffer): { goVersion: string; modinfo: string } | undefined {
  const elf = parseElf(data);
  const section = elf?.section('.go.buildinfo');
  const start = section ? 0 : data.indexOf(MAGIC);
  const info = section ?? (start >= 0 ? data.subarray(start, start + 64 * 1024) : undefined);
  if (!info || info.length < 32 || !info.subarray(0, 14).equals(MAGIC)) return undefined;
  const ptrSize = info[14] as number;
  const flags = info[15] as number;
  const strings: string[] = [];
  if ((flags & 2) !== 0) {
    let pos = 32;
    for (let i = 0; i < 2; i++) {
      const v = readVarint(info, pos);
      if (!v || v[1] + v[0] > info.length) return undefined;
      strings.push(info.toString('utf8', v[1], v[1] + v[0]));
      pos = v[1] + v[0];
    }
  } else {
    if (!elf || (ptrSize !== 4 && ptrSize !== 8)) return undefined;
    const bigEndian = (flags & 1) !== 0;
    const readPtr = (b: Buffer, o: number): bigint => (ptrSize === 8 ? (bigEndian ? b.readBigUInt64BE(o) : b.readBigUInt64LE(o)) : BigInt(bigEndian ? b.readUInt32BE(o) : b.readUInt32LE(o)));
    for (let i = 0; i < 2; i++) {
      const header = elf.readAt(readPtr(info, 16 + i * ptrSize), ptrSize * 2);
      if (!header) return undefined;
      const len = Number(readPtr(header, ptrSize));
      if (len > 16 * 1024 * 1024) return undefined;
      const bytes = len === 0 ? Buffer.alloc(0) : elf.readAt(readPtr(header, 0), len);
      if (!bytes) return undefined;
      strings.push(bytes.toString('utf8'));
    }
  }
  const goVersion = strings[0] as string;
  let modinfo = strings[1] as string;
  // modinfo is wrapped in 16-byte sentinels.
  if (modinfo.length >= 33 && modinfo[modinfo.length - 17] === '\n') modinfo = modinfo.slice(16, -16);
  return { goVersion, modinfo };
}

export function parseGoBinary(content: Buffer): LangPkg[] {
  const info = readBuildInfo(content);
  if (!info) return [];
  const out: LangPkg[] = [];
  const deps: LangPkg[] = [];
  for (const line of info.modinfo.split('\n')) {
    const [kind, path, version] = line.split('\t');
    if (kind === 'mod' && path && version && version !== '(devel)') out.push({ name: path, version, relationship: 'root' });
    else if (kind === 'dep' && path && version) deps.push({ name: path, version, relationship: 'indirect' });
    else if (kind === '=>' && path && deps.length > 0) {
      const last = deps[deps.length - 1] as LangPkg;
      if (version) Object.assign(last, { name: path, version });
      else deps.pop(); // replaced by a local directory
    }
  }
  out.push(...deps);
  const go = /^go(\d+\.\d+(?:\.\d+)?)/.exec(info.goVersion)?.[1];
  if (go) out.push({ name: 'stdlib', version: `v${go}`, relationship: 'indirect' });
  return out;
}

export const goBinaryAnalyzer = langAnalyzer({
  name: 'go-binary',
  ecosystem: 'golang',
  source: 'gobinary',
  modes: ['image'],
  maxFileSize: 512 * 1024 * 1024,
  wants: isExecutable,
  sniff: isElf,
  parse: parseGoBinary,
});
