/**
 * go.mod: required modules (direct, or `// indirect`), with `replace` directives applied;
 * local-path replacements are dropped (they are not published modules). Before Go 1.17,
 * go.mod omitted indirect requirements, so for those modules the go.sum beside it supplies
 * them (modules with a content hash, highest version), as Trivy does.
 */
import { type LangPkg } from '../lang-package.js';
import { pairedLockAnalyzer } from '../paired-lock.js';

export interface GoMod {
  goVersion?: string;
  packages: LangPkg[];
}

export function parseGoMod(content: Buffer): LangPkg[] {
  return parseGoModFile(content).packages;
}

export function parseGoModFile(content: Buffer): GoMod {
  let goVersion: string | undefined;
  const requires: { path: string; version: string; indirect: boolean; line: number }[] = [];
  const replaces = new Map<string, { path: string; version?: string; from?: string }>();
  let block: 'require' | 'replace' | undefined;
  const lines = content.toString('utf8').split('\n');
  lines.forEach((raw, i) => {
    const indirect = /\/\/\s*indirect\b/.test(raw);
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (line === '') return;
    if (line === ')') {
      block = undefined;
      return;
    }
    const directive = /^go\s+(\d+\.\d+)/.exec(line);
    if (directive && !block) {
      goVersion = directive[1];
      return;
    }
    const open = /^(require|replace)\s*\($/.exec(line);
    if (open) {
      block = open[1] as 'require' | 'replace';
      return;
    }
    let kind = block;
    let body = line;
    const single = /^(require|replace)\s+(.*)$/.exec(line);
    if (single) {
      kind = single[1] as 'require' | 'replace';
      body = single[2] as string;
    }
    if (kind === 'require') {
      const [path, version] = body.split(/\s+/);
      if (path && version) requires.push({ path, version, indirect, line: i + 1 });
    } else if (kind === 'replace') {
      const m = /^(\S+)(?:\s+(\S+))?\s+=>\s+(\S+)(?:\s+(\S+))?$/.exec(body);
      if (m?.[1] && m[3]) replaces.set(m[1], { path: m[3], ...(m[4] ? { version: m[4] } : {}), ...(m[2] ? { from: m[2] } : {}) });
    }
  });
  const out: LangPkg[] = [];
  for (const r of requires) {
    const rep = replaces.get(r.path);
    if (rep && (!rep.from || rep.from === r.version)) {
      if (!rep.version) continue; // replaced by a local directory
      out.push({ name: rep.path, version: rep.version, relationship: r.indirect ? 'indirect' : 'direct', line: r.line });
      continue;
    }
    out.push({ name: r.path, version: r.version, relationship: r.indirect ? 'indirect' : 'direct', line: r.line });
  }
  return { ...(goVersion ? { goVersion } : {}), packages: out };
}

/** Compare Go module versions (semver with `v`, pre-release and `+incompatible`), enough to pick the highest. */
function compareGoVersions(a: string, b: string): number {
  const parse = (v: string): [number[], string] => {
    const [core = '', pre = ''] = v.replace(/^v/, '').replace(/\+.*$/, '').split(/-(.*)/s);
    return [core.split('.').map((n) => Number(n) || 0), pre];
  };
  const [ac, ap] = parse(a);
  const [bc, bp] = parse(b);
  for (let i = 0; i < 3; i++) if ((ac[i] ?? 0) !== (bc[i] ?? 0)) return (ac[i] ?? 0) - (bc[i] ?? 0);
  if (ap === bp) return 0;
  if (!ap) return 1;
  if (!bp) return -1;
  return ap < bp ? -1 : 1;
}

/** go.sum: modules with a content hash (not only a go.mod hash), highest version each. */
export function parseGoSum(content: Buffer): Record<string, string> {
  // A plain object, not a Map: analyzer output is cached as JSON.
  const out = new Map<string, string>();
  for (const line of content.toString('utf8').split('\n')) {
    const [path, version] = line.trim().split(/\s+/);
    if (!path || !version || version.endsWith('/go.mod')) continue;
    const seen = out.get(path);
    if (!seen || compareGoVersions(version, seen) > 0) out.set(path, version);
  }
  return Object.fromEntries(out);
}

const olderThan117 = (v: string | undefined): boolean => {
  if (!v) return false;
  const [major = 0, minor = 0] = v.split('.').map(Number);
  return major === 1 && minor < 17;
};

export const goModAnalyzer = pairedLockAnalyzer<GoMod, Record<string, string>>({
  name: 'go-mod',
  ecosystem: 'golang',
  source: 'gomod',
  lockFile: 'go.mod',
  manifestFile: 'go.sum',
  parseLock: parseGoModFile,
  parseManifest: parseGoSum,
  combine(mod, sum) {
    if (!sum || !olderThan117(mod.goVersion)) return mod.packages;
    const known = new Set(mod.packages.map((p) => p.name));
    const extra = Object.entries(sum).filter(([path]) => !known.has(path)).map(([name, version]): LangPkg => ({ name, version, relationship: 'indirect' }));
    return [...mod.packages, ...extra];
  },
});
