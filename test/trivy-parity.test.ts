/**
 * Acceptance: every shared image (and rpm database) opens, and its OS and OS package set equal
 * Trivy's (test/fixtures/trivy-reference). Differences allowed here are the ones docs/compat.md
 * documents with evidence.
 */
import { existsSync, mkdirSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, scanImage, scanRootfs, type ScanReport } from '../packages/core/src/index.js';

const SHARED = resolve(import.meta.dirname, '../../shared/data');
const REFERENCE = JSON.parse(readFileSync(resolve(import.meta.dirname, 'fixtures/trivy-reference/os-packages.json'), 'utf8')) as Record<string, { os: { family: string; version: string } | null; packages: string[] }>;

/** docs/compat.md: Trivy 0.44 reports no OS for these; Bulwark reads the os-release that is there. */
const OS_DIFFERENCES: Record<string, { family: string; version: string }> = {
  'debian-10-buster-nginx.docker.tar': { family: 'debian', version: '10' },
  'debian-10-buster-nginx.skopeo-docker.tar': { family: 'debian', version: '10' },
  'rpm-cbl-mariner-2.0': { family: 'cbl-mariner', version: '2.0' },
  'rpm-sle15-bci': { family: 'sles', version: '15.3' },
};

function packageSet(report: ScanReport): string[] {
  return report.packages.filter((p) => ['deb', 'apk', 'rpm'].includes(p.type)).map((p) => `${p.name}@${p.version}`).sort();
}

const images = existsSync(join(SHARED, 'images')) ? readdirSync(join(SHARED, 'images')).filter((n) => n in REFERENCE) : [];

describe.skipIf(images.length === 0)('OS inventory equals Trivy on ../shared/data/images', () => {
  it.each(images)('%s', async (name) => {
    const report = await scanImage(join(SHARED, 'images', name), { limits: DEFAULT_LIMITS });
    const want = REFERENCE[name] as { os: { family: string; version: string } | null; packages: string[] };
    const os = report.os ? { family: report.os.family, version: report.os.version } : null;
    expect(os).toEqual(OS_DIFFERENCES[name] ?? want.os);
    expect(packageSet(report)).toEqual(want.packages);
    // Only the documented integrity problems of trimmed upstream fixtures may appear.
    for (const p of report.problems) expect(['DIFFID_MISMATCH', 'LAYER_COUNT_MISMATCH', 'DIGEST_MISMATCH']).toContain(p.code);
  });
});

const RPM_ROOTS: Record<string, { db: string; at: string; osRelease: string; extra?: [string, string] }> = {
  'cbl-mariner-2.0': { db: 'rpmdb.sqlite', at: 'var/lib/rpm', osRelease: 'NAME="Common Base Linux Mariner"\nID=mariner\nVERSION_ID="2.0"\n' },
  'sle15-bci': { db: 'Packages.db', at: 'var/lib/rpm', osRelease: 'NAME="SLES"\nVERSION="15-SP3"\nVERSION_ID="15.3"\nID="sles"\n' },
  libuuid: { db: 'Packages', at: 'var/lib/rpm', osRelease: 'NAME="CentOS Linux"\nID="centos"\nVERSION_ID="7"\n', extra: ['etc/centos-release', 'CentOS Linux release 7.9.2009 (Core)\n'] },
};

describe.skipIf(!existsSync(join(SHARED, 'pkgdb')))('rpm databases equal Trivy (rootfs)', () => {
  it.each(Object.keys(RPM_ROOTS))('%s', async (name) => {
    const spec = RPM_ROOTS[name] as (typeof RPM_ROOTS)[string];
    const root = mkdtempSync(join(tmpdir(), 'bulwark-rpm-'));
    mkdirSync(join(root, spec.at), { recursive: true });
    mkdirSync(join(root, 'etc'), { recursive: true });
    copyFileSync(join(SHARED, 'pkgdb/rpm', name, spec.db), join(root, spec.at, spec.db));
    writeFileSync(join(root, 'etc/os-release'), spec.osRelease);
    if (spec.extra) writeFileSync(join(root, spec.extra[0]), spec.extra[1]);
    const report = await scanRootfs(root, { limits: DEFAULT_LIMITS });
    const want = REFERENCE[`rpm-${name}`] as { os: { family: string; version: string } | null; packages: string[] };
    expect(report.os ? { family: report.os.family, version: report.os.version } : null).toEqual(OS_DIFFERENCES[`rpm-${name}`] ?? want.os);
    expect(packageSet(report)).toEqual(want.packages);
    expect(report.problems).toEqual([]);
  });
});

/** Language packages Trivy finds in image mode on the same files (installed artifacts only). */
const LANG_REFERENCE: Record<string, string[]> = JSON.parse(readFileSync(resolve(import.meta.dirname, 'fixtures/trivy-reference/lang-packages.json'), 'utf8')) as Record<string, string[]>;

describe.skipIf(images.length === 0)('language packages equal Trivy on ../shared/data/images', () => {
  it.each(Object.keys(LANG_REFERENCE).filter((n) => images.includes(n)))('%s', async (name) => {
    const report = await scanImage(join(SHARED, 'images', name), { limits: DEFAULT_LIMITS });
    const lang = report.packages.filter((p) => !['deb', 'apk', 'rpm'].includes(p.type)).map((p) => `${p.name}@${p.version}`).sort();
    expect(lang).toEqual(LANG_REFERENCE[name]);
  });
});
