/**
 * Opens an archive found inside a layer one level deep for the content scanners: zip (jar,
 * war, whl, nupkg…), tar, and gzip (a .tar.gz yields its tar's members, a plain .gz its one
 * file). Members are size-capped and counted; nothing is written to disk. Nested archives
 * are returned as bytes, never opened again.
 */
import { gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';

export interface ArchiveMember {
  name: string;
  content: Buffer;
}

export interface ArchiveLimits {
  maxMemberSize: number;
  maxTotalSize: number;
  maxMembers: number;
}

export type ArchiveKind = 'zip' | 'tar' | 'gzip';

export function archiveKind(content: Buffer): ArchiveKind | undefined {
  if (content.length >= 4 && content.readUInt32BE(0) === 0x504b0304) return 'zip';
  if (content.length >= 2 && content[0] === 0x1f && content[1] === 0x8b) return 'gzip';
  if (content.length >= 512 && content.toString('latin1', 257, 262) === 'ustar') return 'tar';
  return undefined;
}

function tarMembers(tar: Buffer, limits: ArchiveLimits): ArchiveMember[] {
  const out: ArchiveMember[] = [];
  let total = 0;
  let longName: string | undefined;
  for (let off = 0; off + 512 <= tar.length && out.length < limits.maxMembers; ) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number): string => {
      const s = header.subarray(start, start + len);
      const nul = s.indexOf(0);
      return s.subarray(0, nul < 0 ? len : nul).toString('utf8');
    };
    const size = parseInt(field(124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) break;
    const type = String.fromCharCode(header[156] ?? 48);
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const dataStart = off + 512;
    const data = tar.subarray(dataStart, Math.min(tar.length, dataStart + size));
    longName = undefined;
    if (type === 'L') longName = data.toString('utf8').replace(/\0+$/, '');
    else if ((type === '0' || type === '\0' || type === '7') && size <= limits.maxMemberSize && total + size <= limits.maxTotalSize) {
      total += size;
      out.push({ name, content: Buffer.from(data) });
    }
    off = dataStart + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** The members of an archive, or undefined when the bytes are no archive or cannot be read. */
export function archiveMembers(content: Buffer, name: string, limits: ArchiveLimits): ArchiveMember[] | undefined {
  const kind = archiveKind(content);
  try {
    if (kind === 'zip') {
      let total = 0;
      let count = 0;
      const files = unzipSync(content, {
        filter: (f) => {
          // A deflated member cannot be much larger than its output: a header claiming a tiny
          // size for a big stream is lying (and would make us inflate it all for nothing).
          const lying = f.compression === 8 && f.size > f.originalSize + (f.originalSize >> 6) + 1024;
          if (lying || f.name.endsWith('/') || f.originalSize > limits.maxMemberSize || total + f.originalSize > limits.maxTotalSize || count >= limits.maxMembers) return false;
          total += f.originalSize;
          count++;
          return true;
        },
      });
      return Object.entries(files).map(([n, data]) => ({ name: n, content: Buffer.from(data.buffer, data.byteOffset, data.byteLength) }));
    }
    if (kind === 'tar') return tarMembers(content, limits);
    if (kind === 'gzip') {
      const inner = gunzipSync(content, { maxOutputLength: limits.maxTotalSize });
      if (archiveKind(inner) === 'tar') return tarMembers(inner, limits);
      const base = name.slice(name.lastIndexOf('/') + 1).replace(/\.(?:gz|tgz)$/i, '');
      return inner.length <= limits.maxMemberSize ? [{ name: base || 'data', content: inner }] : [];
    }
  } catch {
    return undefined;
  }
  return undefined;
}
