/**
 * Opens an image straight from a registry: resolves credentials, fetches the manifest (or
 * index, then the platform's manifest) and the config, and returns the same ImageSource an
 * archive gives — layers are streamed later, and only those the layer cache lacks.
 */
import type { ImageSource, OpenImageOptions } from '../artifact/image-source.js';
import { openOciLayout } from '../artifact/oci-layout.js';
import { resolveCredentials } from './credentials.js';
import { parseReference } from './reference.js';
import { RegistryClient } from './registry-client.js';
import { RegistryStore } from './registry-store.js';

export interface RegistryOptions {
  insecure?: boolean;
  username?: string;
  password?: string;
  retries?: number;
}

/** A client for the reference's repository, with credentials resolved as documented. */
export function connectRegistry(reference: string, registry: RegistryOptions): RegistryClient {
  const ref = parseReference(reference);
  const credentials = resolveCredentials(ref.registry, { ...(registry.username !== undefined ? { username: registry.username } : {}), ...(registry.password !== undefined ? { password: registry.password } : {}) });
  return new RegistryClient(ref, { ...(registry.insecure ? { insecure: true } : {}), ...(credentials ? { credentials } : {}), ...(registry.retries !== undefined ? { retries: registry.retries } : {}) });
}

/** Opens the client's image; `rootDigest` is the digest its tag resolved to (what signatures cover). */
export async function openRegistryImage(client: RegistryClient, options: OpenImageOptions): Promise<ImageSource & { rootDigest: string }> {
  const ref = client.ref;
  const store = new RegistryStore(client, ref.canonical);
  const root = await store.open(options.maxMetadataSize);
  const source = await openOciLayout(store, options, 'oci-layout');
  const repoTags = ref.tag ? [`${ref.registry}/${ref.repository}:${ref.tag}`] : [];
  return { ...source, format: 'registry', input: ref.canonical, repoTags, repoDigests: [`${ref.registry}/${ref.repository}@${root.digest}`], rootDigest: root.digest };
}
