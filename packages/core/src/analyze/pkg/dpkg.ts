/**
 * dpkg: installed packages from `var/lib/dpkg/status` and distroless `status.d/`, the files
 * each owns from `info/*.list` and `*.md5sums`, and licences from machine-readable
 * (DEP-5) `usr/share/doc/<pkg>/copyright` files.
 */
import type { Package } from '../../model/package.js';
import type { AssembleContext, FinalResult, PackageAnalyzer } from '../analyzer.js';
import { osPackagePurl } from '../purl.js';
import { parseParagraphs } from './control-file.js';
import { normalizeLicenseField } from './license-names.js';
import { introducedIn } from './provenance.js';

const STATUS = 'var/lib/dpkg/status';
const STATUS_D = 'var/lib/dpkg/status.d/';
const INFO = 'var/lib/dpkg/info/';
const DOC = 'usr/share/doc/';

/** Current states in which the package's files are on disk. */
const ON_DISK = new Set(['installed', 'half-configured', 'unpacked', 'triggers-awaited', 'triggers-pending']);

export interface DpkgEntry {
  name: string;
  version: string;
  arch?: string;
  source?: string;
  sourceVersion?: string;
  maintainer?: string;
}

export type DpkgData =
  | { kind: 'status'; packages: DpkgEntry[] }
  | { kind: 'files'; package: string; files: string[] }
  | { kind: 'copyright'; package: string; licenses: string[] };

export interface DebVersion {
  epoch?: number;
  /** Version without epoch. */
  version: string;
}

export function splitEpoch(full: string): DebVersion {
  const m = /^(\d+):(.+)$/.exec(full);
  if (!m) return { version: full };
  const epoch = Number(m[1]);
  return epoch > 0 ? { epoch, version: m[2] as string } : { version: m[2] as string };
}

function parseStatus(text: string, requireStatus: boolean): DpkgEntry[] {
  const out: DpkgEntry[] = [];
  for (const p of parseParagraphs(text)) {
    const name = p.get('package');
    const version = p.get('version');
    if (!name || !version) continue;
    const status = p.get('status');
    if (status !== undefined || requireStatus) {
      const state = status?.split(/\s+/)[2];
      if (!state || !ON_DISK.has(state)) continue;
    }
    const entry: DpkgEntry = { name, version };
    const arch = p.get('architecture');
    if (arch) entry.arch = arch;
    const maintainer = p.get('maintainer');
    if (maintainer) entry.maintainer = maintainer;
    const source = p.get('source');
    if (source) {
      const m = /^(\S+)(?:\s+\((\S+)\))?/.exec(source);
      if (m?.[1]) entry.source = m[1];
      if (m?.[2]) entry.sourceVersion = m[2];
    }
    out.push(entry);
  }
  return out;
}

function parseFileList(path: string, text: string): DpkgData | undefined {
  const file = path.slice(path.lastIndexOf('/') + 1);
  const md5 = file.endsWith('.md5sums');
  const pkg = file.slice(0, file.length - (md5 ? '.md5sums'.length : '.list'.length));
  const files: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const p = md5 ? line.replace(/^[0-9a-f]{32}\s+/, '') : line;
    const clean = p.replace(/^\/+/, '');
    if (clean && clean !== '.') files.push(clean);
  }
  return { kind: 'files', package: pkg, files };
}

/** Debian's unversioned common-licenses files are symlinks to the latest version. */
const COMMON_LICENSE_LATEST: Record<string, string> = { GPL: 'GPL-3', LGPL: 'LGPL-3', GFDL: 'GFDL-1.3' };

/**
 * `License:` short names from a DEP-5 copyright file; for free-form files, the licences it
 * points to under /usr/share/common-licenses/ (how most Debian packages name theirs).
 */
function parseCopyright(path: string, text: string): DpkgData | undefined {
  const licenses = new Set<string>();
  if (/^Format:\s*\S+/m.test(text)) {
    for (const m of text.matchAll(/^License:[ \t]*([^\n]+)/gm)) {
      const value = (m[1] ?? '').trim();
      if (value) licenses.add(value);
    }
  } else {
    for (const m of text.matchAll(/\/usr\/share\/common-licenses\/([A-Za-z0-9][A-Za-z0-9.+-]*[A-Za-z0-9+])/g)) {
      const name = m[1] as string;
      licenses.add(COMMON_LICENSE_LATEST[name] ?? name);
    }
  }
  const pkg = path.slice(DOC.length, path.lastIndexOf('/'));
  return licenses.size > 0 ? { kind: 'copyright', package: pkg, licenses: [...licenses] } : undefined;
}

function isStatusDEntry(path: string): boolean {
  if (!path.startsWith(STATUS_D)) return false;
  const rest = path.slice(STATUS_D.length);
  return rest !== '' && !rest.includes('/') && !rest.endsWith('.md5sums');
}

export const dpkgAnalyzer: PackageAnalyzer<DpkgData> = {
  name: 'dpkg',
  kind: 'os-packages',
  version: 2,
  maxFileSize: 256 * 1024 * 1024,
  wants(path) {
    if (path === STATUS) return true;
    if (path.startsWith(STATUS_D)) return !path.slice(STATUS_D.length).includes('/');
    if (path.startsWith(INFO)) return path.endsWith('.list') || path.endsWith('.md5sums');
    return path.startsWith(DOC) && path.endsWith('/copyright') && path.indexOf('/', DOC.length) === path.length - '/copyright'.length;
  },
  analyze({ path, content }) {
    const text = content.toString('utf8');
    if (path === STATUS) return { kind: 'status', packages: parseStatus(text, true) };
    if (isStatusDEntry(path)) return { kind: 'status', packages: parseStatus(text, false) };
    if (path.startsWith(DOC)) return parseCopyright(path, text);
    return parseFileList(path, text);
  },
  assemble(ctx) {
    return assembleDpkg(ctx);
  },
};

function assembleDpkg(ctx: AssembleContext<DpkgData>): Package[] {
  const files = new Map<string, Set<string>>();
  const licenses = new Map<string, string[]>();
  const statuses: FinalResult<DpkgData & { kind: 'status' }>[] = [];
  for (const r of ctx.results) {
    if (r.data.kind === 'status') statuses.push(r as FinalResult<DpkgData & { kind: 'status' }>);
    else if (r.data.kind === 'files') {
      const key = r.data.package;
      const set = files.get(key) ?? new Set<string>();
      for (const f of r.data.files) set.add(f);
      files.set(key, set);
    } else licenses.set(r.data.package, r.data.licenses);
  }
  const out: Package[] = [];
  for (const status of statuses) {
    const history = ctx.history(status.path);
    for (const entry of status.data.packages) {
      const { epoch, version } = splitEpoch(entry.version);
      const source = entry.source ?? entry.name;
      const sourceFull = entry.sourceVersion ?? entry.version;
      const src = splitEpoch(sourceFull);
      const owned = files.get(entry.arch ? `${entry.name}:${entry.arch}` : entry.name) ?? files.get(entry.name) ?? new Set<string>();
      const layer = introducedIn(history, (d) => d.kind === 'status' && d.packages.some((p) => p.name === entry.name && p.version === entry.version && p.arch === entry.arch)) ?? status.layer;
      const pkg: Package = {
        type: 'deb',
        name: entry.name,
        version: entry.version,
        sourceName: source,
        sourceVersion: src.version,
        licenses: [...new Set((licenses.get(entry.name) ?? []).flatMap((l) => normalizeLicenseField(l)))],
        purl: osPackagePurl({ type: 'deb', name: entry.name, version, epoch, arch: entry.arch, upstream: source !== entry.name ? source : undefined, os: ctx.os }),
        locations: [{ path: `/${status.path}`, ...(status.layer ? { layer: status.layer } : {}) }],
        files: [...owned].filter((f) => ctx.fileType(f) === 'file').map((f) => `/${f}`).sort(),
      };
      if (epoch) pkg.epoch = epoch;
      if (src.epoch) pkg.sourceEpoch = src.epoch;
      if (entry.arch) pkg.arch = entry.arch;
      if (entry.maintainer) pkg.maintainer = entry.maintainer;
      if (layer) pkg.layer = layer;
      out.push(pkg);
    }
  }
  return out;
}
