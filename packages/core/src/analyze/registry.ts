/**
 * The analyzer table. Every analyzer Bulwark runs is listed here, once; the layer cache key
 * is derived from this list's names and versions, so adding or bumping one invalidates
 * exactly the cached layers it could change.
 */
import { createHash } from 'node:crypto';
import type { AnyAnalyzer, OsAnalyzer, PackageAnalyzer, ScanMode } from './analyzer.js';
import { LANG_ANALYZERS } from './lang/registry.js';
import { osReleaseAnalyzer } from './os/os-release.js';
import { apkAnalyzer } from './pkg/apk.js';
import { dpkgAnalyzer } from './pkg/dpkg.js';
import { rpmAnalyzer } from './pkg/rpm/rpm.js';

export const OS_ANALYZERS: readonly OsAnalyzer[] = [osReleaseAnalyzer];

export const PACKAGE_ANALYZERS: readonly PackageAnalyzer[] = [
  dpkgAnalyzer as PackageAnalyzer,
  apkAnalyzer as PackageAnalyzer,
  rpmAnalyzer as PackageAnalyzer,
];

export const ALL_ANALYZERS: readonly AnyAnalyzer[] = [...OS_ANALYZERS, ...PACKAGE_ANALYZERS, ...LANG_ANALYZERS];

/** The analyzers that run for a scan mode (image/rootfs: installed artifacts; fs: lockfiles too). */
export function analyzersFor(mode: ScanMode): readonly AnyAnalyzer[] {
  return ALL_ANALYZERS.filter((a) => !a.modes || a.modes.includes(mode));
}

/** Identifies the analyzer set for cache keys. */
export function analyzerFingerprint(analyzers: readonly AnyAnalyzer[] = analyzersFor('image')): string {
  const text = analyzers.map((a) => `${a.name}@${a.version}`).sort().join(',');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
