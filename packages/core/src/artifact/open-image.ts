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

export async function openImage(path: string, input: string, options: OpenImageOptions): Promise<ImageSource> {
  const store = await openStore(path, input);
  try {
    if (store.has('manifest.json')) return await openDockerArchive(store, options);
    if (store.has('index.json')) return await openOciLayout(store, options, store.kind === 'directory' ? 'oci-layout' : 'oci-archive');
    if (store.kind === 'directory') {
      throw new BulwarkError('UNKNOWN_FORMAT', input, 'directory has no index.json, so it is not an OCI image layout (scan a filesystem with `bulwark rootfs`)');
    }
    throw new BulwarkError('UNKNOWN_FORMAT', input, 'archive has neither manifest.json (docker save) nor index.json (OCI layout)');
  } catch (err) {
    await store.close();
    throw err;
  }
}
