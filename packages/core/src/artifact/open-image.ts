/**
 * Opens whatever the user pointed at as an image: an OCI layout directory, or a file that is
 * a docker-archive or OCI archive, plain or compressed as a whole. The format is detected
 * from content, never from the file name.
 */
import { open, stat } from 'node:fs/promises';
import { BulwarkError } from '../model/errors.js';
import { CompressedTarStore, DirectoryStore, TarFileStore, type BlobStore } from './blob-store.js';
import { sniffCompression } from './compression.js';
import { openDockerArchive } from './docker-archive.js';
import type { ImageSource, OpenImageOptions } from './image-source.js';
import { openOciLayout } from './oci-layout.js';
import { looksLikeTarHeader } from './tar-header.js';

async function openStore(path: string, input: string): Promise<BlobStore> {
  const st = await stat(path).catch(() => undefined);
  if (!st) throw new BulwarkError('INPUT_NOT_FOUND', input, 'no such file or directory');
  if (st.isDirectory()) return new DirectoryStore(input, path);
  if (!st.isFile()) throw new BulwarkError('UNKNOWN_FORMAT', input, 'not a regular file or directory');
  const fh = await open(path, 'r');
  const head = Buffer.alloc(512);
  let read: number;
  try {
    ({ bytesRead: read } = await fh.read(head, 0, 512, 0));
  } finally {
    await fh.close();
  }
  if (read === 0) throw new BulwarkError('UNKNOWN_FORMAT', input, 'the file is empty');
  const compression = sniffCompression(head);
  if (compression !== 'none') return CompressedTarStore.open(path, input);
  if (read === 512 && looksLikeTarHeader(head)) return TarFileStore.open(path, input);
  throw new BulwarkError('UNKNOWN_FORMAT', input, 'not a tar archive, gzip or zstd file, or OCI layout directory');
}

async function indexListsManifests(store: BlobStore, maxSize: number): Promise<boolean> {
  try {
    const index = JSON.parse((await store.read('index.json', maxSize)).toString('utf8')) as { manifests?: unknown };
    return Array.isArray(index.manifests) && index.manifests.length > 0;
  } catch {
    return false; // a broken index.json next to a manifest.json: use the docker side
  }
}

export async function openImage(path: string, input: string, options: OpenImageOptions): Promise<ImageSource> {
  const store = await openStore(path, input);
  try {
    // Docker 25+ and containerd write both an OCI index and a docker manifest.json. The OCI
    // side is preferred when it lists images: every blob there is verified by its digest.
    if (store.has('index.json') && (!store.has('manifest.json') || (await indexListsManifests(store, options.maxMetadataSize)))) {
      return await openOciLayout(store, options, store.kind === 'directory' ? 'oci-layout' : 'oci-archive');
    }
    if (store.has('manifest.json')) return await openDockerArchive(store, options);
    if (store.kind === 'directory') {
      throw new BulwarkError('UNKNOWN_FORMAT', input, 'directory has no index.json, so it is not an OCI image layout (scan a filesystem with `bulwark rootfs`)');
    }
    throw new BulwarkError('UNKNOWN_FORMAT', input, 'archive has neither manifest.json (docker save) nor index.json (OCI layout)');
  } catch (err) {
    await store.close();
    throw err;
  }
}
