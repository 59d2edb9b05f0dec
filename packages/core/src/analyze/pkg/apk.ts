/**
 * apk (Alpine, Wolfi, Chainguard): installed packages from `lib/apk/db/installed`
 * (`usr/lib/apk/db/installed` on newer releases). Records are blank-line separated
 * `X:value` lines; `F:` starts a directory and each following `R:` is a file in it.
 */
import type { Package } from '../../model/package.js';
import type { PackageAnalyzer } from '../analyzer.js';
import { osPackagePurl } from '../purl.js';
import { normalizeLicenseField } from './license-names.js';
import { introducedIn } from './provenance.js';

const DB_PATHS = new Set(['lib/apk/db/installed', 'usr/lib/apk/db/installed']);

export interface ApkEntry {
  name: string;
  version: string;
  arch?: string;
  origin?: string;
  license?: string;
  maintainer?: string;
  checksum?: string;
  files: string[];
}

export function parseApkInstalled(text: string): ApkEntry[] {
  const out: ApkEntry[] = [];
  let cur: Partial<ApkEntry> & { files: string[] } = { files: [] };
  let dir = '';
  const flush = (): void => {
    if (cur.name && cur.version) out.push(cur as ApkEntry);
    cur = { files: [] };
    dir = '';
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '') {
      flush();
      continue;
    }
    if (line.length < 2 || line[1] !== ':') continue;
    const value = line.slice(2);
    switch (line[0]) {
      case 'P':
        cur.name = value;
        break;
      case 'V':
        cur.version = value;
        break;
      case 'A':
        cur.arch = value;
        break;
      case 'o':
        cur.origin = value;
        break;
      case 'L':
        cur.license = value;
        break;
      case 'm':
        cur.maintainer = value;
        break;
      case 'C':
        cur.checksum = value;
        break;
      case 'F':
        dir = value.replace(/^\/+|\/+$/g, '');
        break;
      case 'R':
        cur.files.push(dir ? `${dir}/${value}` : value);
        break;
      default:
        break;
    }
  }
  flush();
  return out;
}


export const apkAnalyzer: PackageAnalyzer<ApkEntry[]> = {
  name: 'apk',
  kind: 'os-packages',
  version: 1,
  maxFileSize: 256 * 1024 * 1024,
  wants: (path) => DB_PATHS.has(path),
  analyze: ({ content }) => parseApkInstalled(content.toString('utf8')),
  assemble(ctx) {
    const out: Package[] = [];
    for (const db of ctx.results) {
      const history = ctx.history(db.path);
      for (const e of db.data) {
        const layer = introducedIn(history, (d) => d.some((p) => p.name === e.name && p.version === e.version)) ?? db.layer;
        const origin = e.origin ?? e.name;
        const pkg: Package = {
          type: 'apk',
          name: e.name,
          version: e.version,
          sourceName: origin,
          sourceVersion: e.version,
          licenses: e.license ? normalizeLicenseField(e.license, { spaceSeparated: true }) : [],
          purl: osPackagePurl({ type: 'apk', name: e.name, version: e.version, arch: e.arch, upstream: origin !== e.name ? origin : undefined, os: ctx.os }),
          locations: [{ path: `/${db.path}`, ...(db.layer ? { layer: db.layer } : {}) }],
          files: e.files.map((f) => `/${f}`),
        };
        if (e.arch) pkg.arch = e.arch;
        if (e.maintainer) pkg.maintainer = e.maintainer;
        if (e.checksum) pkg.extra = { checksum: e.checksum };
        if (layer) pkg.layer = layer;
        out.push(pkg);
      }
    }
    return out;
  },
};
