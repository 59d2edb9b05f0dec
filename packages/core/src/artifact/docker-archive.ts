/**
 * `docker save` archives (classic and Docker 25+ hybrid layouts, skopeo and kaniko variants):
 * manifest.json lists images, each with a config member and ordered layer members.
 */
import { BulwarkError } from '../model/errors.js';
import type { Problem } from '../model/problem.js';
import type { BlobStore } from './blob-store.js';
import { annotateLayers, parseImageConfig, readVerified } from './image-config.js';
import type { ImageSource, LayerSource, OpenImageOptions } from './image-source.js';
import { isRecord, parseJson } from './media-types.js';
import { formatPlatform, parsePlatform, platformMatches } from './platform.js';

interface DockerManifestEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

function parseManifestList(data: Buffer, input: string): DockerManifestEntry[] {
  const json = parseJson(data, input, 'manifest.json');
  if (!Array.isArray(json) || json.length === 0) throw new BulwarkError('MALFORMED_MANIFEST', input, 'manifest.json must be a non-empty array of images');
  return json.map((entry, i) => {
    if (!isRecord(entry) || typeof entry.Config !== 'string' || !Array.isArray(entry.Layers) || !entry.Layers.every((l) => typeof l === 'string')) {
      throw new BulwarkError('MALFORMED_MANIFEST', input, `manifest.json entry ${i} needs a Config string and a Layers list of strings`);
    }
    const tags = Array.isArray(entry.RepoTags) ? entry.RepoTags.filter((t): t is string => typeof t === 'string') : [];
    return { Config: entry.Config, RepoTags: tags, Layers: entry.Layers as string[] };
  });
}

/** `blobs/sha256/<hex>` and `<hex>.json` names are content addresses; other names are not. */
function digestFromName(name: string): string | undefined {
  const blob = /(?:^|\/)blobs\/(sha256|sha512)\/([a-f0-9]{64,128})$/.exec(name);
  if (blob) return `${blob[1]}:${blob[2]}`;
  const legacy = /(?:^|\/)([a-f0-9]{64})(?:\.json|\.tar(?:\.gz)?)?$/.exec(name);
  if (legacy && !name.endsWith('/layer.tar')) return `sha256:${legacy[1]}`;
  return undefined;
}

export async function openDockerArchive(store: BlobStore, options: OpenImageOptions): Promise<ImageSource> {
  const input = store.input;
  const entries = parseManifestList(await store.read('manifest.json', options.maxMetadataSize), input);
  let chosen = entries;
  if (options.select) {
    const want = options.select;
    chosen = entries.filter((e) => e.RepoTags.some((t) => t === want || t === `docker.io/${want}` || t === `docker.io/library/${want}` || t === `${want}:latest`));
    if (chosen.length === 0) {
      const tags = entries.flatMap((e) => e.RepoTags);
      throw new BulwarkError('AMBIGUOUS_IMAGE', input, `no image tagged '${want}' (tags here: ${tags.join(', ') || 'none'})`);
    }
  }
  if (chosen.length > 1) {
    const tags = chosen.map((e, i) => e.RepoTags.join(',') || `#${i} (untagged)`);
    throw new BulwarkError('AMBIGUOUS_IMAGE', input, `the archive holds ${chosen.length} images (${tags.join('; ')}); choose one with --select TAG`);
  }
  const entry = chosen[0] as DockerManifestEntry;
  const configDigest = digestFromName(entry.Config);
  const configData = await readVerified(store, entry.Config, configDigest, options.maxMetadataSize, 'image config');
  const config = parseImageConfig(configData, input, entry.Config);
  if (options.platform) {
    const want = parsePlatform(options.platform);
    if (want && !platformMatches(want, { os: config.os, architecture: config.architecture, variant: config.variant })) {
      throw new BulwarkError('NO_MATCHING_PLATFORM', input, `the image is ${formatPlatform({ os: config.os, architecture: config.architecture, variant: config.variant })}, not ${options.platform}`);
    }
  }
  const layers: LayerSource[] = entry.Layers.map((member, index) => {
    const layer: LayerSource = { index, member };
    const digest = digestFromName(member);
    // Docker 25+ stores layers as OCI blobs named by their digest: verify those.
    if (digest && member.includes('blobs/')) layer.digest = digest;
    return layer;
  });
  const problems: Problem[] = [];
  annotateLayers(layers, config, input, problems);
  const source: ImageSource = { format: 'docker-archive', input, store, config, repoTags: entry.RepoTags, layers, problems };
  if (configDigest) source.configDigest = configDigest;
  return source;
}
