/**
 * Image formats and layer semantics on real fixtures (test/fixtures/images, copied from
 * ../shared/data/images with provenance in its README) and on images built here.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, scanImage } from '../packages/core/src/index.js';
import { walkLayer } from '../packages/core/src/walker/layer-walker.js';
import { FileTree } from '../packages/core/src/applier/file-tree.js';
import { createReadStream } from 'node:fs';
import { ALPINE_DB, ALPINE_RELEASE, dockerArchive, gz, multiPlatformLayout, tarBuffer, writeOciLayout } from './helpers/build-image.js';

const IMAGES = resolve(import.meta.dirname, 'fixtures/images');
const opts = { limits: DEFAULT_LIMITS };

describe('formats', () => {
  it.each([
    ['tiny-arm64.oci-zstd.tar', 'zstd'],
    ['tiny-arm64.oci-estargz.tar', 'gzip'],
  ])('%s opens (single-platform arm64 image, %s layer)', async (name) => {
    const report = await scanImage(join(IMAGES, name), opts);
    expect(report.artifact.format).toBe('oci-archive');
    expect(report.artifact.image?.platform).toMatchObject({ os: 'linux', architecture: 'arm64' });
    expect(report.artifact.layers).toHaveLength(1);
    expect(report.problems).toEqual([]);
  });

  it('an explicit --platform that does not match is an error', async () => {
    await expect(scanImage(join(IMAGES, 'tiny-arm64.oci-zstd.tar'), { ...opts, platform: 'linux/amd64' })).rejects.toThrow(/linux\/amd64/);
  });

  it('Docker 25+ hybrid archive (index.json with null manifests + manifest.json)', async () => {
    const report = await scanImage(join(IMAGES, 'hello-world.docker-v25.tar'), opts);
    expect(report.artifact.format).toBe('docker-archive');
    expect(report.artifact.layers[0]?.digest).toMatch(/^sha256:/);
    expect(report.problems).toEqual([]);
  });

  it('trimmed Debian fixture: 84 dpkg packages, source packages and purls', async () => {
    const report = await scanImage(join(IMAGES, 'debian-10-buster-nginx.docker.tar'), opts);
    expect(report.os).toMatchObject({ family: 'debian', version: '10' });
    expect(report.packages).toHaveLength(84);
    const bsdutils = report.packages.find((p) => p.name === 'bsdutils');
    expect(bsdutils).toMatchObject({ version: '1:2.33.1-0.1', epoch: 1, sourceName: 'util-linux', sourceVersion: '2.33.1-0.1', arch: 'amd64' });
    expect(bsdutils?.purl).toBe('pkg:deb/debian/bsdutils@2.33.1-0.1?arch=amd64&distro=debian-10&epoch=1&upstream=util-linux');
    expect(bsdutils?.layer).toMatchObject({ index: 0 });
    expect(report.problems.map((p) => p.code).sort()).toEqual(['LAYER_COUNT_MISMATCH']);
  });

  it('a tampered OCI blob is an error, but its contents are still listed', async () => {
    const report = await scanImage(join(IMAGES, 'alpine-3.12.0.oci.tar'), opts);
    expect(report.packages).toHaveLength(14);
    expect(report.problems.find((p) => p.code === 'DIGEST_MISMATCH')).toMatchObject({ level: 'error' });
  });

  it('multi-image docker archives need --select; --select picks by tag', async () => {
    const a = await tarBuffer([{ name: 'etc/alpine-release', content: '3.18.0\n' }, { name: 'lib/apk/db/installed', content: ALPINE_DB }]);
    const b = await tarBuffer([{ name: 'etc/alpine-release', content: '3.19.1\n' }, { name: 'lib/apk/db/installed', content: ALPINE_DB }]);
    const file = join(mkdtempSync(join(tmpdir(), 'bulwark-multi-')), 'two.tar');
    writeFileSync(file, await dockerArchive([{ tags: ['app:old'], layers: [a] }, { tags: ['app:new'], layers: [b] }]));
    await expect(scanImage(file, opts)).rejects.toThrow(/holds 2 images .*--select/);
    const report = await scanImage(file, { ...opts, select: 'app:new' });
    expect(report.os?.version).toBe('3.19.1');
    expect(report.artifact.image?.repoTags).toEqual(['app:new']);
  });
});

describe('layer semantics', () => {
  it('file and opaque whiteouts (real fixtures) are recorded', async () => {
    const { analysis } = await walkLayer(createReadStream(join(IMAGES, 'layers/opaque-and-file-whiteout.layer.tar')), { describe: 'opq', analyzers: [], limits: DEFAULT_LIMITS });
    expect(analysis.opaqueDirs).toEqual(['etc/test']);
    expect(analysis.whiteouts).toEqual(['var/foo']);
  });

  it('whiteouts delete lower files, opaque dirs hide lower contents, upper layers win', () => {
    const tree = new FileTree();
    tree.applyLayer(0, { entries: [{ p: 'etc', t: 'd' }, { p: 'etc/a', t: 'f' }, { p: 'etc/d', t: 'd' }, { p: 'etc/d/x', t: 'f' }, { p: 'var/foo', t: 'f' }], whiteouts: [], opaqueDirs: [] });
    tree.applyLayer(1, { entries: [{ p: 'etc/d/y', t: 'f' }, { p: 'etc/a', t: 'f' }], whiteouts: ['var/foo'], opaqueDirs: ['etc/d'] });
    expect(tree.get('var/foo')).toBeUndefined();
    expect(tree.get('etc/d/x')).toBeUndefined();
    expect(tree.get('etc/d/y')?.layer).toBe(1);
    expect(tree.get('etc/a')?.layer).toBe(1);
  });

  it('packages get the layer that introduced them; deleted package DBs disappear', async () => {
    const l0 = gz(await tarBuffer([{ name: 'etc/alpine-release', content: ALPINE_RELEASE }, { name: 'lib/apk/db/installed', content: ALPINE_DB }]));
    const db2 = `${ALPINE_DB}C:Q1xyz=\nP:curl\nV:8.5.0-r0\nA:x86_64\no:curl\nL:curl\nF:usr/bin\nR:curl\n\n`;
    const l1Tar = await tarBuffer([{ name: 'lib/apk/db/installed', content: db2 }, { name: 'usr/bin/curl', content: 'ELF' }]);
    const l2Tar = await tarBuffer([{ name: 'tmp/.wh.junk', content: '' }]);
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-prov-'));
    writeOciLayout(dir, [{ blob: l0, tar: await tarBuffer([{ name: 'etc/alpine-release', content: ALPINE_RELEASE }, { name: 'lib/apk/db/installed', content: ALPINE_DB }]) }, { blob: l1Tar, mediaType: 'application/vnd.oci.image.layer.v1.tar' }, { blob: l2Tar, mediaType: 'application/vnd.oci.image.layer.v1.tar' }]);
    const report = await scanImage(dir, opts);
    expect(report.artifact.format).toBe('oci-layout');
    const byName = Object.fromEntries(report.packages.map((p) => [p.name, p.layer?.index]));
    expect(byName).toEqual({ busybox: 0, musl: 0, curl: 1 });
    expect(report.packages.find((p) => p.name === 'curl')?.files).toEqual(['/usr/bin/curl']);
    expect(report.artifact.layers.map((l) => l.diffId)).toHaveLength(3);
  });

  it('a symlinked os-release is resolved inside the image (Debian layout)', async () => {
    const layer = await tarBuffer([
      { name: 'usr/lib/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
      { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
      { name: 'etc/debian_version', content: '12.5\n' },
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-link-'));
    writeOciLayout(dir, [{ blob: layer, mediaType: 'application/vnd.oci.image.layer.v1.tar' }]);
    const report = await scanImage(dir, opts);
    expect(report.os).toMatchObject({ family: 'debian', version: '12.5', versionId: '12' });
  });
});

describe('multi-platform indexes', () => {
  it('defaults to linux/amd64, honours --platform, skips attestation manifests', async () => {
    const dir = await multiPlatformLayout();
    const amd = await scanImage(dir, opts);
    expect(amd.artifact.image?.platform?.architecture).toBe('amd64');
    expect(amd.packages.every((p) => p.arch === 'x86_64')).toBe(true);
    const arm = await scanImage(dir, { ...opts, platform: 'linux/arm64' });
    expect(arm.packages.every((p) => p.arch === 'aarch64')).toBe(true);
    await expect(scanImage(dir, { ...opts, platform: 'linux/s390x' })).rejects.toThrow(/no image for platform linux\/s390x \(available: linux\/arm64\/v8, linux\/amd64\)/);
  });
});

describe('distroless', () => {
  it('reads dpkg status.d/ with per-package md5sums and no status file', async () => {
    const layer = await tarBuffer([
      { name: 'etc/os-release', content: 'PRETTY_NAME="Distroless"\nID=debian\nVERSION_ID="12"\n' },
      { name: 'etc/debian_version', content: '12.5\n' },
      { name: 'var/lib/dpkg/status.d/libc6', content: 'Package: libc6\nVersion: 2.36-9+deb12u4\nArchitecture: amd64\nSource: glibc\n' },
      { name: 'var/lib/dpkg/status.d/libc6.md5sums', content: 'd41d8cd98f00b204e9800998ecf8427e  lib/x86_64-linux-gnu/libc.so.6\n' },
      { name: 'var/lib/dpkg/status.d/tzdata', content: 'Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n' },
      { name: 'lib/x86_64-linux-gnu/libc.so.6', content: 'ELF' },
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-distroless-'));
    writeOciLayout(dir, [{ blob: layer, mediaType: 'application/vnd.oci.image.layer.v1.tar' }]);
    const report = await scanImage(dir, opts);
    expect(report.os).toMatchObject({ family: 'debian', version: '12.5', distroless: true });
    expect(report.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['libc6@2.36-9+deb12u4', 'tzdata@2024a-0+deb12u1']);
    expect(report.packages[0]).toMatchObject({ sourceName: 'glibc', files: ['/lib/x86_64-linux-gnu/libc.so.6'], purl: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc' });
  });
});
