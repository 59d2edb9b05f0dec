/**
 * Reads and verifies an image config blob and lines its diff_ids up with the layers the
 * manifest lists, recording (not failing on) mismatches between the two lists.
 */
import { BulwarkError } from '../model/errors.js';
import type { Problem } from '../model/problem.js';
import { digestAlgorithm, digestOf, isDigest } from '../util/digest.js';
import type { BlobStore } from './blob-store.js';
import type { ImageConfig, LayerSource } from './image-source.js';
import { isRecord, parseJson } from './media-types.js';

/** Read `member`; when `digest` is given the bytes must hash to it. */
export async function readVerified(store: BlobStore, member: string, digest: string | undefined, maxSize: number, what: string): Promise<Buffer> {
  const data = await store.read(member, maxSize);
  if (digest) {
    const actual = digestOf(data, digestAlgorithm(digest));
    if (actual !== digest) {
      throw new BulwarkError('DIGEST_MISMATCH', store.input, `${what} '${member}' has digest ${actual}, expected ${digest}`);
    }
  }
  return data;
}

export function parseImageConfig(data: Buffer, input: string, member: string): ImageConfig {
  const json = parseJson(data, input, `image config '${member}'`);
  if (!isRecord(json)) throw new BulwarkError('MALFORMED_MANIFEST', input, `image config '${member}' is not a JSON object`);
  const rootfs = json.rootfs;
  if (rootfs !== undefined) {
    if (!isRecord(rootfs) || (rootfs.diff_ids !== undefined && !(Array.isArray(rootfs.diff_ids) && rootfs.diff_ids.every(isDigest)))) {
      throw new BulwarkError('MALFORMED_MANIFEST', input, `image config '${member}' has a malformed rootfs.diff_ids list`);
    }
  }
  if (json.history !== undefined && !Array.isArray(json.history)) {
    throw new BulwarkError('MALFORMED_MANIFEST', input, `image config '${member}' has a malformed history list`);
  }
  return json as ImageConfig;
}

/** Attach claimed diff_ids and `created_by` lines to layers; note count mismatches. */
export function annotateLayers(layers: LayerSource[], config: ImageConfig, input: string, problems: Problem[]): void {
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== layers.length) {
    problems.push({
      level: 'warning',
      code: 'LAYER_COUNT_MISMATCH',
      input,
      message: `the image config lists ${diffIds.length} diff_ids but the manifest lists ${layers.length} layers; layer identities come from the layer contents`,
    });
  } else {
    layers.forEach((layer, i) => {
      layer.claimedDiffId = diffIds[i];
    });
  }
  const history = (config.history ?? []).filter((h) => isRecord(h) && h.empty_layer !== true);
  if (history.length === layers.length) {
    layers.forEach((layer, i) => {
      const createdBy = history[i]?.created_by;
      if (typeof createdBy === 'string') layer.createdBy = createdBy;
    });
  }
}
