/**
 * The CLI end to end: commands, formats, --output, the layer cache across runs, and a
 * whole-file gzip archive (two sequential passes) with one corrupt layer.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ALPINE_DB, ALPINE_RELEASE, dockerArchive, tarBuffer } from './helpers/build-image.js';
import { runCli } from './helpers/run-cli.js';

const IMAGES = resolve(import.meta.dirname, 'fixtures/images');

describe('bulwark CLI', () => {
  it('image: table output names the OS, the packages and their layer', () => {
    const run = runCli(['image', join(IMAGES, 'debian-10-buster-nginx.docker.tar'), '--no-cache']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/debian-10-buster-nginx\.docker\.tar \(debian 10, linux\/amd64\)/);
    expect(run.stdout).toMatch(/packages: 84 deb/);
    expect(run.stdout).toMatch(/│ libc6\s+│ 2\.28-10\s+│ deb {2}│ glibc@2\.28-10\s+│ 0 [0-9a-f]{12}/);
    expect(run.written).toEqual([]);
  });

  it('sbom: CycloneDX by default, SPDX on request, to --output', () => {
    const cdx = runCli(['sbom', join(IMAGES, 'alpine-3.12.0.oci.tar'), '-q']);
    expect(JSON.parse(cdx.stdout).bomFormat).toBe('CycloneDX');
    const spdx = runCli(['sbom', join(IMAGES, 'alpine-3.12.0.oci.tar'), '--format', 'spdx-json', '-o', 'sbom.spdx.json', '-q']);
    expect(spdx.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(spdx.home, 'sbom.spdx.json'), 'utf8')).spdxVersion).toBe('SPDX-2.3');
  });

  it('the second scan of an image takes every layer from the cache', () => {
    const first = runCli(['image', join(IMAGES, 'tiny-arm64.oci-zstd.tar'), '-f', 'json', '-q']);
    expect(JSON.parse(first.stdout).artifact.layers.map((l: { cached: boolean }) => l.cached)).toEqual([false]);
    expect(first.written.some((f) => f.startsWith('.cache/bulwark/layers/'))).toBe(true);
    const second = runCli(['image', join(IMAGES, 'tiny-arm64.oci-zstd.tar'), '-f', 'json', '-q'], { home: first.home });
    const layers = JSON.parse(second.stdout).artifact.layers as { cached: boolean; diffId: string }[];
    expect(layers.map((l) => l.cached)).toEqual([true]);
    expect(layers[0]?.diffId).toBe(JSON.parse(first.stdout).artifact.layers[0].diffId);
  });

  it('--no-cache writes nothing', () => {
    const run = runCli(['image', join(IMAGES, 'tiny-arm64.oci-zstd.tar'), '--no-cache', '-q']);
    expect(run.status).toBe(0);
    expect(run.written).toEqual([]);
  });

  it('whole-file gzip archive with a corrupt layer: error for that layer, the others kept', async () => {
    const good = await tarBuffer([{ name: 'etc/alpine-release', content: ALPINE_RELEASE }, { name: 'lib/apk/db/installed', content: ALPINE_DB }]);
    const compressed = gzipSync(await tarBuffer([{ name: 'a', content: randomBytes(100_000) }]));
    const broken = compressed.subarray(0, compressed.length >> 1);
    const archive = await dockerArchive([{ tags: ['gz:1'], layers: [good, broken] }]);
    const file = join(mkdtempSync(join(tmpdir(), 'bulwark-gz-')), 'image.tar.gz');
    writeFileSync(file, gzipSync(archive));
    const run = runCli(['image', file, '-f', 'json', '--no-cache', '-q']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/layer 1 \(.*layer\.tar\): cannot read layer/);
    expect(JSON.parse(run.stdout).packages.map((p: { name: string }) => p.name)).toEqual(['busybox', 'musl']);
  });

  it('a missing target is one clear line', () => {
    const run = runCli(['image', '/nonexistent/image.tar']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('bulwark: /nonexistent/image.tar: no such file or directory\n');
  });
});
