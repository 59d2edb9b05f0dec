/**
 * Builds small images on the fly for tests: layer tars (tar-stream pack), OCI layouts and
 * docker-archives, including deliberately broken ones for the hostile-input corpus.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';

export interface TarEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
}

export async function tarBuffer(entries: TarEntry[]): Promise<Buffer> {
  const p = tarPack();
  const chunks: Buffer[] = [];
  p.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    p.on('end', () => resolve());
    p.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? 'file';
    const content = e.content === undefined ? undefined : Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content);
    await new Promise<void>((resolve, reject) => {
      p.entry({ name: e.name, type, linkname: e.linkname, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), size: content?.length ?? 0 }, content ?? undefined, (err) => (err ? reject(err) : resolve()));
    });
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

export const sha256 = (data: Buffer | string): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

export interface OciLayerSpec {
  /** Bytes as stored (compressed or not). */
  blob: Buffer;
  /** Uncompressed tar (for diff_ids); defaults to blob. */
  tar?: Buffer;
  mediaType?: string;
  /** Override the digest written in the manifest. */
  digest?: string;
}

/** Writes an OCI image layout directory; returns the manifest digest. */
export function writeOciLayout(dir: string, layers: OciLayerSpec[], opts: { architecture?: string; manifestMediaType?: string; skipBlob?: number; rawManifest?: string; config?: Record<string, unknown>; history?: { created_by: string }[] } = {}): string {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const put = (data: Buffer | string): string => {
    const d = sha256(data);
    writeFileSync(join(dir, 'blobs', 'sha256', d.slice(7)), data);
    return d;
  };
  const config = JSON.stringify({ architecture: opts.architecture ?? 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l.tar ?? l.blob)) }, config: opts.config ?? {}, ...(opts.history ? { history: opts.history } : {}) });
  const configDigest = put(config);
  const layerDescs = layers.map((l, i) => {
    const digest = l.digest ?? sha256(l.blob);
    if (opts.skipBlob !== i) writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), l.blob);
    return { mediaType: l.mediaType ?? 'application/vnd.oci.image.layer.v1.tar+gzip', digest, size: l.blob.length };
  });
  const manifest = opts.rawManifest ?? JSON.stringify({ schemaVersion: 2, mediaType: opts.manifestMediaType ?? 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length }, layers: layerDescs });
  const manifestDigest = put(manifest);
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifest.length, platform: { os: 'linux', architecture: opts.architecture ?? 'amd64' } }] }));
  return manifestDigest;
}

/** A docker-archive (docker save) tar holding one or more images, layers gzip'd. */
export async function dockerArchive(images: { tags: string[]; layers: Buffer[] }[]): Promise<Buffer> {
  const entries: TarEntry[] = [];
  const manifest: { Config: string; RepoTags: string[]; Layers: string[] }[] = [];
  for (const img of images) {
    const layerNames = img.layers.map((tar) => {
      const name = `${sha256(tar).slice(7)}/layer.tar`;
      if (!entries.some((e) => e.name === name)) entries.push({ name, content: tar });
      return name;
    });
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: img.layers.map((t) => sha256(t)) }, config: { User: '' } });
    const configName = `${sha256(config).slice(7)}.json`;
    entries.push({ name: configName, content: config });
    manifest.push({ Config: configName, RepoTags: img.tags, Layers: layerNames });
  }
  entries.push({ name: 'manifest.json', content: JSON.stringify(manifest) });
  return tarBuffer(entries);
}

export const gz = (b: Buffer): Buffer => gzipSync(b);

export const ALPINE_DB = `C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\no:musl\nL:MIT\nF:lib\nR:ld-musl-x86_64.so.1\n\nC:Q1def=\nP:busybox\nV:1.36.1-r5\nA:x86_64\no:busybox\nL:GPL-2.0-only\nF:bin\nR:busybox\n\n`;
export const ALPINE_RELEASE = '3.19.1\n';

/**
 * An Alpine image for linux/amd64 and linux/arm64/v8 (plus an attestation manifest) under one
 * index. `nested` puts the index in a blob referenced from index.json, the shape a registry
 * push of a manifest list (`skopeo copy --all`) needs.
 */
export async function multiPlatformLayout(opts: { nested?: boolean } = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-index-'));
  const amd = await tarBuffer([{ name: 'etc/alpine-release', content: ALPINE_RELEASE }, { name: 'lib/apk/db/installed', content: ALPINE_DB }]);
  const arm = await tarBuffer([{ name: 'etc/alpine-release', content: ALPINE_RELEASE }, { name: 'lib/apk/db/installed', content: ALPINE_DB.replaceAll('x86_64', 'aarch64') }]);
  // Build each platform's image in its own layout, then merge their blobs under one index.
  const a = mkdtempSync(join(tmpdir(), 'bulwark-a-'));
  const b = mkdtempSync(join(tmpdir(), 'bulwark-b-'));
  const amdDigest = writeOciLayout(a, [{ blob: amd, mediaType: 'application/vnd.oci.image.layer.v1.tar' }], { architecture: 'amd64' });
  const armDigest = writeOciLayout(b, [{ blob: arm, mediaType: 'application/vnd.oci.image.layer.v1.tar' }], { architecture: 'arm64' });
  cpSync(join(a, 'blobs'), join(dir, 'blobs'), { recursive: true });
  cpSync(join(b, 'blobs'), join(dir, 'blobs'), { recursive: true });
  const size = (root: string, d: string): number => readFileSync(join(root, 'blobs/sha256', d.slice(7))).length;
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: armDigest, size: size(b, armDigest), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: amdDigest, size: size(a, amdDigest), platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: amdDigest, size: size(a, amdDigest), platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
    ],
  };
  const indexJson = JSON.stringify(index);
  if (opts.nested) {
    const digest = sha256(indexJson);
    writeFileSync(join(dir, 'blobs/sha256', digest.slice(7)), indexJson);
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: index.mediaType, digest, size: indexJson.length }] }));
  } else {
    writeFileSync(join(dir, 'index.json'), indexJson);
  }
  return dir;
}
