/**
 * `bulwark image NAME` where NAME is not a file: try the image sources in the user's order
 * (`--image-src docker,podman,registry`, Trivy's convention) and open the first that has it.
 * Engine images are saved to a private temporary archive that `close()` removes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageSource, OpenImageOptions } from '../artifact/image-source.js';
import { openImage } from '../artifact/open-image.js';
import { BulwarkError } from '../model/errors.js';
import { connectRegistry, openRegistryImage, type RegistryOptions } from '../registry/open-registry-image.js';
import type { RegistryClient } from '../registry/registry-client.js';
import { saveEngineImage } from './engine-client.js';

export const IMAGE_SOURCES = ['docker', 'podman', 'registry'] as const;
export type ImageSourceKind = (typeof IMAGE_SOURCES)[number];

export interface NamedImageOptions {
  sources: readonly ImageSourceKind[];
  registry: RegistryOptions;
  /** Where engine images are saved while scanned (the cache directory when there is one). */
  tempDir?: string;
  /** Refuse engine archives larger than this. */
  maxArchiveSize: number;
  env?: NodeJS.ProcessEnv;
}

export interface OpenedImage {
  source: ImageSource;
  close(): void;
  /** For registry images: the client and the digest the reference resolved to (for signatures). */
  registry?: { client: RegistryClient; rootDigest: string };
}

export async function openNamedImage(name: string, open: OpenImageOptions, options: NamedImageOptions): Promise<OpenedImage> {
  const tried: string[] = [];
  for (const kind of options.sources) {
    if (kind === 'registry') {
      try {
        const client = connectRegistry(name, options.registry);
        const { rootDigest, ...source } = await openRegistryImage(client, open);
        return { source, close: () => undefined, registry: { client, rootDigest } };
      } catch (err) {
        if (err instanceof BulwarkError && tried.length > 0) throw new BulwarkError(err.code, err.input, `${err.message.slice(err.input.length + 2)}; also tried: ${tried.join('; ')}`);
        throw err;
      }
    }
    const dir = mkdtempSync(join(options.tempDir ?? tmpdir(), 'bulwark-engine-'));
    const close = (): void => rmSync(dir, { recursive: true, force: true });
    try {
      const archive = join(dir, 'image.tar');
      const saved = await saveEngineImage(kind, name, archive, options.maxArchiveSize, options.env);
      if (!saved.saved) {
        tried.push(saved.reason);
        close();
        continue;
      }
      const source = await openImage(archive, name, open);
      return { source: { ...source, format: kind === 'docker' ? 'docker-engine' : 'podman-engine', input: name }, close };
    } catch (err) {
      close();
      throw err;
    }
  }
  throw new BulwarkError('MANIFEST_UNKNOWN', name, `image not found in ${options.sources.join(', ')}: ${tried.join('; ')}`);
}
