/**
 * OCI image layouts (directory or tar): index.json → nested indexes / manifest lists →
 * image manifests. Attestation manifests are skipped; one image is chosen by ref name
 * (--select) and platform (--platform, default linux/amd64 when several are present).
 */
import { BulwarkError } from '../model/errors.js';
import type { Problem } from '../model/problem.js';
import type { BlobStore } from './blob-store.js';
import { annotateLayers, parseImageConfig, readVerified } from './image-config.js';
import type { ImageSource, LayerSource, OpenImageOptions } from './image-source.js';
import { asDescriptor, blobPath, CONFIG_TYPES, type Descriptor, INDEX_TYPES, isRecord, LAYER_TYPES, MANIFEST_TYPES, parseJson } from './media-types.js';
import { DEFAULT_PLATFORM, formatPlatform, parsePlatform, platformMatches } from './platform.js';

const MAX_INDEX_DEPTH = 4;
const REF_NAME = 'org.opencontainers.image.ref.name';
const CONTAINERD_NAME = 'io.containerd.image.name';

interface Candidate {
  descriptor: Descriptor;
  refNames: string[];
}

function isAttestation(d: Descriptor): boolean {
  return d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || (d.platform?.os === 'unknown' && d.platform.architecture === 'unknown');
}

function manifestsOf(json: unknown, input: string, what: string): Descriptor[] {
  if (!isRecord(json)) throw new BulwarkError('MALFORMED_MANIFEST', input, `${what} is not a JSON object`);
  if (json.manifests === null || json.manifests === undefined) return [];
  if (!Array.isArray(json.manifests)) throw new BulwarkError('MALFORMED_MANIFEST', input, `${what}: 'manifests' must be a list`);
  return json.manifests.map((m, i) => asDescriptor(m, input, `${what} manifests[${i}]`));
}

async function collectCandidates(store: BlobStore, options: OpenImageOptions): Promise<Candidate[]> {
  const input = store.input;
  const index = parseJson(await store.read('index.json', options.maxMetadataSize), input, 'index.json');
  const out: Candidate[] = [];
  const visit = async (descriptors: Descriptor[], refNames: string[], depth: number, where: string): Promise<void> => {
    for (const d of descriptors) {
      if (isAttestation(d)) continue;
      const names = [...refNames];
      for (const key of [REF_NAME, CONTAINERD_NAME]) {
        const v = d.annotations?.[key];
        if (v) names.push(v);
      }
      if (d.mediaType && INDEX_TYPES.has(d.mediaType)) {
        if (depth >= MAX_INDEX_DEPTH) throw new BulwarkError('MALFORMED_MANIFEST', input, `indexes nested deeper than ${MAX_INDEX_DEPTH} levels`);
        const data = await readVerified(store, blobPath(d.digest), d.digest, options.maxMetadataSize, 'index');
        const nested = manifestsOf(parseJson(data, input, `index ${d.digest}`), input, `index ${d.digest}`);
        await visit(nested, names, depth + 1, d.digest);
      } else if (!d.mediaType || MANIFEST_TYPES.has(d.mediaType)) {
        out.push({ descriptor: d, refNames: names });
      } else {
        throw new BulwarkError('UNKNOWN_MEDIA_TYPE', input, `${where} lists ${d.digest} with unsupported media type '${d.mediaType}'`);
      }
    }
  };
  await visit(manifestsOf(index, input, 'index.json'), [], 0, 'index.json');
  return out;
}

function refMatches(names: string[], want: string): boolean {
  return names.some((n) => n === want || n.endsWith(`/${want}`) || n.endsWith(`:${want}`) || n === `docker.io/library/${want}`);
}

function chooseCandidate(candidates: Candidate[], options: OpenImageOptions, input: string): Candidate {
  let pool = candidates;
  if (options.select) {
    const want = options.select;
    pool = pool.filter((c) => refMatches(c.refNames, want));
    if (pool.length === 0) {
      const names = [...new Set(candidates.flatMap((c) => c.refNames))];
      throw new BulwarkError('AMBIGUOUS_IMAGE', input, `no image named '${want}' (names here: ${names.join(', ') || 'none'})`);
    }
  }
  if (pool.length === 0) throw new BulwarkError('MISSING_BLOB', input, 'index.json lists no image manifests');
  const explicit = options.platform !== undefined;
  const want = parsePlatform(options.platform ?? DEFAULT_PLATFORM);
  if (!want) throw new BulwarkError('USAGE', input, `invalid platform '${options.platform}' (expected os/arch[/variant])`);
  if (pool.length === 1 && (!explicit || !pool[0]?.descriptor.platform)) return pool[0] as Candidate;
  const matching = pool.filter((c) => platformMatches(want, c.descriptor.platform));
  if (matching.length >= 1) return matching[0] as Candidate;
  const available = pool.map((c) => formatPlatform(c.descriptor.platform)).join(', ');
  if (!explicit && pool.every((c) => !c.descriptor.platform)) {
    throw new BulwarkError('AMBIGUOUS_IMAGE', input, `the layout holds ${pool.length} images without platform data; choose one with --select NAME`);
  }
  throw new BulwarkError('NO_MATCHING_PLATFORM', input, `no image for platform ${formatPlatform(want)} (available: ${available}); use --platform`);
}

export async function openOciLayout(store: BlobStore, options: OpenImageOptions, format: 'oci-layout' | 'oci-archive'): Promise<ImageSource> {
  const input = store.input;
  const candidate = chooseCandidate(await collectCandidates(store, options), options, input);
  const md = candidate.descriptor;
  const manifestData = await readVerified(store, blobPath(md.digest), md.digest, options.maxMetadataSize, 'manifest');
  const manifest = parseJson(manifestData, input, `manifest ${md.digest}`);
  if (!isRecord(manifest)) throw new BulwarkError('MALFORMED_MANIFEST', input, `manifest ${md.digest} is not a JSON object`);
  const mediaType = typeof manifest.mediaType === 'string' ? manifest.mediaType : md.mediaType;
  if (mediaType && !MANIFEST_TYPES.has(mediaType)) {
    throw new BulwarkError('UNKNOWN_MEDIA_TYPE', input, `manifest ${md.digest} has unsupported media type '${mediaType}'`);
  }
  const configDesc = asDescriptor(manifest.config, input, `manifest ${md.digest} config`);
  if (configDesc.mediaType && !CONFIG_TYPES.has(configDesc.mediaType)) {
    throw new BulwarkError('UNKNOWN_MEDIA_TYPE', input, `manifest ${md.digest} is not a container image (config media type '${configDesc.mediaType}')`);
  }
  if (!Array.isArray(manifest.layers)) throw new BulwarkError('MALFORMED_MANIFEST', input, `manifest ${md.digest} has no layers list`);
  const layers: LayerSource[] = manifest.layers.map((raw, index) => {
    const d = asDescriptor(raw, input, `manifest ${md.digest} layers[${index}]`);
    if (d.mediaType && !LAYER_TYPES.has(d.mediaType)) {
      throw new BulwarkError('UNKNOWN_MEDIA_TYPE', input, `layer ${index} (${d.digest}) has unsupported media type '${d.mediaType}'`);
    }
    const layer: LayerSource = { index, member: blobPath(d.digest), digest: d.digest };
    if (d.mediaType) layer.mediaType = d.mediaType;
    return layer;
  });
  const configData = await readVerified(store, blobPath(configDesc.digest), configDesc.digest, options.maxMetadataSize, 'image config');
  const config = parseImageConfig(configData, input, blobPath(configDesc.digest));
  if (options.platform) {
    const want = parsePlatform(options.platform);
    const have = { os: config.os, architecture: config.architecture, variant: config.variant };
    if (want && config.os && !platformMatches(want, have)) {
      throw new BulwarkError('NO_MATCHING_PLATFORM', input, `the image is ${formatPlatform(have)}, not ${options.platform}`);
    }
  }
  const problems: Problem[] = [];
  annotateLayers(layers, config, input, problems);
  const repoTags = candidate.refNames.filter((n) => n.includes(':') || n.includes('/'));
  return { format, input, store, config, configDigest: configDesc.digest, manifestDigest: md.digest, repoTags, layers, problems };
}
