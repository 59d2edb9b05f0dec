/**
 * The hostile-image corpus: each bad input gives one clear line naming the input and the
 * problem, exit code 2, no stack trace, nothing written outside the scratch cache/output, and
 * results from the other layers kept where the format allows.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ALPINE_DB, ALPINE_RELEASE, dockerArchive, gz, sha256, tarBuffer, writeOciLayout } from './helpers/build-image.js';
import { runCli, type CliRun } from './helpers/run-cli.js';

const scratch = (): string => mkdtempSync(join(tmpdir(), 'bulwark-hostile-'));
const goodLayer = (): Promise<Buffer> => tarBuffer([{ name: 'etc/alpine-release', content: ALPINE_RELEASE }, { name: 'lib/apk/db/installed', content: ALPINE_DB }]);

function expectCleanFailure(run: CliRun, pattern: RegExp, status = 2): void {
  expect(run.status).toBe(status);
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
  // Only the layer cache and the requested output may appear in the scratch HOME.
  for (const f of run.written) expect(f).toMatch(/^(\.cache\/bulwark\/layers\/[0-9a-f]{64}\.layer\.json\.gz|out\.json)$/);
}

function scan(target: string, extra: string[] = []): CliRun {
  return runCli(['image', target, '-f', 'json', '-o', 'out.json', '-q', ...extra]);
}

function outJson(run: CliRun): { packages: { name: string }[]; problems: { level: string; code: string; message: string }[] } {
  return JSON.parse(readFileSync(join(run.home, 'out.json'), 'utf8')) as never;
}

describe('hostile input corpus', () => {
  it('not an archive at all', () => {
    const f = join(scratch(), 'junk.tar');
    writeFileSync(f, Buffer.alloc(4096, 0x41));
    expectCleanFailure(scan(f), /junk\.tar: not a tar archive, gzip or zstd file, or OCI layout directory/);
  });

  it('truncated tar', async () => {
    const full = await dockerArchive([{ tags: ['t:1'], layers: [await goodLayer()] }]);
    const f = join(scratch(), 'cut.tar');
    writeFileSync(f, full.subarray(0, 1536 + 100));
    expectCleanFailure(scan(f), /cut\.tar: truncated tar/);
  });

  it('truncated gzip layer keeps the other layer', async () => {
    const dir = scratch();
    const good = await goodLayer();
    const bad = gz(await tarBuffer([{ name: 'usr/bin/x', content: 'x'.repeat(5000) }])).subarray(0, 60);
    writeOciLayout(dir, [{ blob: gz(good), tar: good }, { blob: bad }]);
    const run = scan(dir);
    expectCleanFailure(run, /layer 1 \(blobs\/sha256\/[0-9a-f]+\): cannot read layer: (unexpected end of file|.*)/);
    expect(outJson(run).packages.map((p) => p.name)).toEqual(['busybox', 'musl']);
  });

  it('truncated zstd layer', async () => {
    const dir = scratch();
    // A zstd frame header followed by garbage: fzstd must fail cleanly.
    const bad = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58]), Buffer.alloc(40, 0x55)]);
    writeOciLayout(dir, [{ blob: bad, mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' }]);
    expectCleanFailure(scan(dir), /layer 0 .*cannot read layer: (zstd|Invalid tar)/i);
  });

  it('missing blob', async () => {
    const dir = scratch();
    const good = await goodLayer();
    writeOciLayout(dir, [{ blob: gz(good), tar: good }], { skipBlob: 0 });
    expectCleanFailure(scan(dir), /is missing/);
  });

  it('digest mismatch: error, contents listed as untrusted, exit 6', async () => {
    const dir = scratch();
    const good = await goodLayer();
    writeOciLayout(dir, [{ blob: gz(good), tar: good, digest: sha256('something else') }]);
    const run = scan(dir);
    expectCleanFailure(run, /blob content hashes to sha256:[0-9a-f]+, not to the digest sha256:[0-9a-f]+/, 6);
    expect(outJson(run).problems.find((p) => p.code === 'DIGEST_MISMATCH')?.level).toBe('error');
  });

  it('malformed manifest JSON', async () => {
    const dir = scratch();
    writeOciLayout(dir, [{ blob: gz(await goodLayer()) }], { rawManifest: '{"schemaVersion": 2, "config": ' });
    expectCleanFailure(scan(dir), /manifest sha256:[0-9a-f]+ is not valid JSON/);
  });

  it('unknown layer media type', async () => {
    const dir = scratch();
    writeOciLayout(dir, [{ blob: gz(await goodLayer()), mediaType: 'application/vnd.example.weird+blob' }]);
    expectCleanFailure(scan(dir), /unsupported media type 'application\/vnd\.example\.weird\+blob'/);
  });

  it("'../' entry names: the entry is refused, the rest of the image is scanned", async () => {
    const evil = await tarBuffer([{ name: '../../../../tmp/bulwark-pwned', content: 'x' }, { name: 'etc/alpine-release', content: ALPINE_RELEASE }, { name: 'lib/apk/db/installed', content: ALPINE_DB }]);
    const f = join(scratch(), 'evil.tar');
    writeFileSync(f, await dockerArchive([{ tags: ['evil:1'], layers: [evil] }]));
    const run = scan(f);
    expectCleanFailure(run, /entry '\.\.\/\.\.\/\.\.\/\.\.\/tmp\/bulwark-pwned' escapes the image root/);
    expect(outJson(run).packages).toHaveLength(2);
  });

  it('absolute entry names stay inside the image (read as image paths, never the host)', async () => {
    const layer = await tarBuffer([{ name: '/etc/alpine-release', content: '3.99.0\n' }, { name: '/lib/apk/db/installed', content: ALPINE_DB }]);
    const f = join(scratch(), 'abs.tar');
    writeFileSync(f, await dockerArchive([{ tags: ['abs:1'], layers: [layer] }]));
    const run = scan(f);
    expect(run.status).toBe(0);
    expect(JSON.parse(readFileSync(join(run.home, 'out.json'), 'utf8')).os.version).toBe('3.99.0');
  });

  it('symlink escaping the root is reported and resolved inside the root', async () => {
    const layer = await tarBuffer([
      { name: 'usr/lib/os-release', content: 'ID=bulwarktest\nVERSION_ID=1.0\n' },
      { name: 'etc/os-release', type: 'symlink', linkname: '../../../../../../usr/lib/os-release' },
    ]);
    const f = join(scratch(), 'escape.tar');
    writeFileSync(f, await dockerArchive([{ tags: ['e:1'], layers: [layer] }]));
    const run = scan(f);
    expectCleanFailure(run, /symlink \/etc\/os-release -> \.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/usr\/lib\/os-release points outside the image root/);
    expect(JSON.parse(readFileSync(join(run.home, 'out.json'), 'utf8')).os.family).toBe('bulwarktest');
  });

  it('symlink loop', async () => {
    const layer = await tarBuffer([
      { name: 'etc/os-release', type: 'symlink', linkname: 'os-release.d' },
      { name: 'etc/os-release.d', type: 'symlink', linkname: 'os-release' },
    ]);
    const f = join(scratch(), 'loop.tar');
    writeFileSync(f, await dockerArchive([{ tags: ['l:1'], layers: [layer] }]));
    expectCleanFailure(scan(f), /\/etc\/os-release: too many levels of symbolic links/);
  });

  it('decompression bomb is cut off by --max-layer-size', async () => {
    const dir = scratch();
    const bomb = gzipSync(await tarBuffer([{ name: 'zeros', content: Buffer.alloc(64 * 1024 * 1024) }]), { level: 9 });
    expect(bomb.length).toBeLessThan(200 * 1024);
    writeOciLayout(dir, [{ blob: bomb }]);
    expectCleanFailure(scan(dir, ['--max-layer-size', '8M']), /uncompressed layer exceeds --max-layer-size \(8388608 bytes\); possible decompression bomb/);
  });

  it('a bad flag is a usage error with exit code 2', () => {
    const run = runCli(['image', 'x.tar', '--format', 'xml']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/argument 'xml' is invalid/);
  });

  it('rootfs: an absolute symlink is read inside the root, not on the host', () => {
    const root = scratch();
    mkdirSync(join(root, 'etc'));
    mkdirSync(join(root, 'usr/lib'), { recursive: true });
    writeFileSync(join(root, 'usr/lib/os-release'), 'ID=insideroot\nVERSION_ID=7\n');
    // /etc/os-release -> /usr/lib/os-release: on the host that is the host's file.
    
    symlinkSync('/usr/lib/os-release', join(root, 'etc/os-release'));
    const run = runCli(['rootfs', root, '-f', 'json', '-q']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).os).toMatchObject({ family: 'insideroot', version: '7' });
  });
});

describe('memory', () => {
  it('peak RSS stays under 300 MB on a 1 GiB (sparse) layer', () => {
    const dir = scratch();
    const blobs = join(dir, 'blobs', 'sha256');
    mkdirSync(blobs, { recursive: true });
    // One tar entry of 1 GiB of zeros, written as a sparse file: header, a hole, end blocks.
    const size = 1024 * 1024 * 1024;
    const header = Buffer.alloc(512);
    header.write('big.img', 0);
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
    header.write('00000000000\0', 136);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    const layerPath = join(dir, 'layer.tmp');
    const fd = openSync(layerPath, 'w');
    writeSync(fd, header, 0, 512, 0);
    writeSync(fd, Buffer.alloc(1024), 0, 1024, 512 + size); // end-of-archive, leaving a hole
    closeSync(fd);
    // Digest of header + 1 GiB zeros + 1 KiB zeros, computed without reading the hole.
    const hash = createHash('sha256').update(header);
    const zeros = Buffer.alloc(16 * 1024 * 1024);
    for (let i = 0; i < size / zeros.length; i++) hash.update(zeros);
    hash.update(Buffer.alloc(1024));
    const digest = `sha256:${hash.digest('hex')}`;
    
    renameSync(layerPath, join(blobs, digest.slice(7)));
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [digest] } });
    const configDigest = sha256(config);
    writeFileSync(join(blobs, configDigest.slice(7)), config);
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest, size: size + 1536 }] });
    const manifestDigest = sha256(manifest);
    writeFileSync(join(blobs, manifestDigest.slice(7)), manifest);
    writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifest.length }] }));
    const run = runCli(['image', dir, '-f', 'json', '--no-cache', '-q']);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { artifact: { layers: { size: number; diffId: string }[] }; timings: { peakRssKiB: number } };
    expect(report.artifact.layers[0]).toMatchObject({ size: size + 1536, diffId: digest });
    expect(report.timings.peakRssKiB).toBeGreaterThan(10_000);
    expect(report.timings.peakRssKiB).toBeLessThan(300 * 1024);
  }, 120_000);
});
