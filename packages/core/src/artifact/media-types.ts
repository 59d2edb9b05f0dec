/**
 * The OCI and Docker media types Bulwark understands, and a strict JSON reader for manifests,
 * indexes and configs that turns malformed input into a MALFORMED_MANIFEST error naming it.
 */
import { BulwarkError } from '../model/errors.js';
import { isDigest } from '../util/digest.js';

export const MT = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
} as const;

export const INDEX_TYPES = new Set<string>([MT.ociIndex, MT.dockerList]);
export const MANIFEST_TYPES = new Set<string>([MT.ociManifest, MT.dockerManifest]);
export const CONFIG_TYPES = new Set<string>([MT.ociConfig, MT.dockerConfig]);

export const LAYER_TYPES = new Set<string>([
  'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  'application/vnd.docker.image.rootfs.diff.tar',
  'application/vnd.docker.image.rootfs.diff.tar.zstd',
]);

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

export function parseJson(data: Buffer, input: string, what: string): unknown {
  try {
    return JSON.parse(data.toString('utf8')) as unknown;
  } catch (err) {
    throw new BulwarkError('MALFORMED_MANIFEST', input, `${what} is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** UTF-8 JSON bytes that hold an object, or undefined (not JSON, or not an object). */
export function jsonRecord(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const json: unknown = JSON.parse(bytes.toString('utf8'));
    return isRecord(json) ? json : undefined;
  } catch {
    return undefined;
  }
}

export function asDescriptor(value: unknown, input: string, what: string): Descriptor {
  if (!isRecord(value)) throw new BulwarkError('MALFORMED_MANIFEST', input, `${what} is not an object`);
  if (!isDigest(value.digest)) throw new BulwarkError('MALFORMED_MANIFEST', input, `${what} has no valid digest (got ${JSON.stringify(value.digest)})`);
  const d: Descriptor = { digest: value.digest };
  if (typeof value.mediaType === 'string') d.mediaType = value.mediaType;
  if (typeof value.size === 'number') d.size = value.size;
  if (isRecord(value.platform)) {
    const p = value.platform;
    d.platform = {};
    if (typeof p.os === 'string') d.platform.os = p.os;
    if (typeof p.architecture === 'string') d.platform.architecture = p.architecture;
    if (typeof p.variant === 'string') d.platform.variant = p.variant;
  }
  if (isRecord(value.annotations)) {
    d.annotations = Object.fromEntries(Object.entries(value.annotations).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }
  return d;
}

/** Blob path of a digest inside an OCI layout. */
export function blobPath(digest: string): string {
  const [alg, hex] = digest.split(':') as [string, string];
  return `blobs/${alg}/${hex}`;
}
