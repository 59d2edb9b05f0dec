/**
 * rpm (RHEL family, SUSE, Mariner/Azure Linux, Amazon): installed packages from the rpm
 * database in any of its three formats and locations, with epoch, source rpm, licence,
 * modularity label and the files each package owns.
 */
import type { Package } from '../../../model/package.js';
import type { PackageAnalyzer } from '../../analyzer.js';
import { osPackagePurl } from '../../purl.js';
import { normalizeLicenseField } from '../license-names.js';
import { introducedIn } from '../provenance.js';
import { parseRpmHeader, TAG } from './header.js';
import { readRpmDbBlobs } from './rpmdb.js';

const DB_PATHS = new Set([
  'var/lib/rpm/Packages',
  'var/lib/rpm/Packages.db',
  'var/lib/rpm/rpmdb.sqlite',
  'usr/lib/sysimage/rpm/Packages',
  'usr/lib/sysimage/rpm/Packages.db',
  'usr/lib/sysimage/rpm/rpmdb.sqlite',
  'usr/share/rpm/Packages',
  'usr/share/rpm/Packages.db',
  'usr/share/rpm/rpmdb.sqlite',
]);

export interface RpmEntry {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  arch?: string;
  sourceRpm?: string;
  license?: string;
  vendor?: string;
  modularityLabel?: string;
  files: string[];
}

export interface RpmDbData {
  format: string;
  packages: RpmEntry[];
  /** Headers that could not be decoded (counted, not fatal). */
  skipped: number;
}

/** `openssl-1.1.1k-4.el8.src.rpm` → name, version, release. */
export function parseSourceRpm(srpm: string): { name: string; version: string; release: string } | undefined {
  const base = srpm.replace(/\.(?:no)?src\.rpm$/, '');
  const r = base.lastIndexOf('-');
  if (r <= 0) return undefined;
  const v = base.lastIndexOf('-', r - 1);
  if (v <= 0) return undefined;
  return { name: base.slice(0, v), version: base.slice(v + 1, r), release: base.slice(r + 1) };
}

function decode(blob: Buffer): RpmEntry | undefined {
  const h = parseRpmHeader(blob);
  const name = h.string(TAG.name);
  const version = h.string(TAG.version);
  if (!name || version === undefined) return undefined;
  const entry: RpmEntry = { name, version, release: h.string(TAG.release) ?? '', files: [] };
  const epoch = h.int32s(TAG.epoch)[0];
  if (epoch !== undefined && epoch > 0) entry.epoch = epoch;
  const arch = h.string(TAG.arch);
  if (arch) entry.arch = arch;
  const srpm = h.string(TAG.sourceRpm);
  if (srpm && srpm !== '(none)') entry.sourceRpm = srpm;
  const license = h.string(TAG.license);
  if (license) entry.license = license;
  const vendor = h.string(TAG.vendor);
  if (vendor) entry.vendor = vendor;
  const module = h.string(TAG.modularityLabel);
  if (module) entry.modularityLabel = module;
  const baseNames = h.strings(TAG.baseNames);
  if (baseNames.length > 0) {
    const dirNames = h.strings(TAG.dirNames);
    const dirIndexes = h.int32s(TAG.dirIndexes);
    baseNames.forEach((base, i) => {
      const dir = dirNames[dirIndexes[i] ?? -1];
      if (dir !== undefined) entry.files.push(`${dir}${base}`);
    });
  } else {
    entry.files.push(...h.strings(TAG.oldFilenames));
  }
  return entry;
}

function fullVersion(e: { epoch?: number; version: string; release: string }): string {
  const vr = e.release ? `${e.version}-${e.release}` : e.version;
  return e.epoch ? `${e.epoch}:${vr}` : vr;
}

export const rpmAnalyzer: PackageAnalyzer<RpmDbData> = {
  name: 'rpm',
  kind: 'os-packages',
  version: 1,
  maxFileSize: 512 * 1024 * 1024,
  wants: (path) => DB_PATHS.has(path),
  analyze({ content }) {
    const { format, blobs } = readRpmDbBlobs(content);
    const packages: RpmEntry[] = [];
    let skipped = 0;
    for (const blob of blobs) {
      try {
        const entry = decode(blob);
        if (entry) packages.push(entry);
        else skipped++;
      } catch {
        skipped++;
      }
    }
    return { format, packages, skipped };
  },
  assemble(ctx) {
    const out: Package[] = [];
    for (const db of ctx.results) {
      if (db.data.skipped > 0) {
        ctx.report({ level: 'warning', code: 'MALFORMED_PACKAGE_DB', input: `/${db.path}`, message: `${db.data.skipped} package headers could not be decoded and were skipped` });
      }
      const history = ctx.history(db.path);
      for (const e of db.data.packages) {
        // gpg-pubkey entries are imported signing keys, not installed software.
        if (e.name === 'gpg-pubkey') continue;
        const version = fullVersion(e);
        const layer = introducedIn(history, (d) => d.packages.some((p) => p.name === e.name && fullVersion(p) === version && p.arch === e.arch)) ?? db.layer;
        const source = e.sourceRpm ? parseSourceRpm(e.sourceRpm) : undefined;
        const pkg: Package = {
          type: 'rpm',
          name: e.name,
          version,
          sourceName: source?.name ?? e.name,
          sourceVersion: source ? `${source.version}-${source.release}` : `${e.version}-${e.release}`,
          licenses: e.license ? normalizeLicenseField(e.license) : [],
          purl: osPackagePurl({ type: 'rpm', name: e.name, version: e.release ? `${e.version}-${e.release}` : e.version, epoch: e.epoch, arch: e.arch, upstream: e.sourceRpm, os: ctx.os }),
          locations: [{ path: `/${db.path}`, ...(db.layer ? { layer: db.layer } : {}) }],
          files: e.files,
        };
        if (e.epoch) {
          pkg.epoch = e.epoch;
          pkg.sourceEpoch = e.epoch;
        }
        if (e.arch) pkg.arch = e.arch;
        if (e.vendor) pkg.maintainer = e.vendor;
        if (e.modularityLabel) pkg.extra = { modularityLabel: e.modularityLabel };
        if (layer) pkg.layer = layer;
        out.push(pkg);
      }
    }
    return out;
  },
};
