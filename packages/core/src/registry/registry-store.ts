/**
 * A registry seen as an OCI image layout, so the same reader that opens OCI directories opens
 * remote images: `index.json` is synthesised around the reference's manifest (or index),
 * `blobs/sha256/<hex>` are fetched on demand — manifests through the manifests endpoint,
 * everything else as blobs. Nothing is fetched until asked for, so layers already in the
 * layer cache are never downloaded.
 */
import type { Readable } from 'node:stream';
import { BulwarkError } from '../model/errors.js';
import type { BlobStore, MemberConsumer } from '../artifact/blob-store.js';
import { INDEX_TYPES, isRecord } from '../artifact/media-types.js';
import type { RegistryClient } from './registry-client.js';

const BLOB = /^blobs\/sha256\/([0-9a-f]{64})$/;

export class RegistryStore implements BlobStore {
  readonly kind = 'directory' as const;
  private readonly documents = new Map<string, Buffer>();
  private readonly manifestDigests = new Set<string>();
  private readonly sizes = new Map<string, number>();
  private index?: Buffer;

  constructor(
    private readonly client: RegistryClient,
    readonly input: string,
  ) {}

  /** Fetches the reference's manifest or index and builds index.json around it. */
  async open(maxSize: number): Promise<{ digest: string; mediaType: string }> {
    const ref = this.client.ref;
    const root = await this.client.manifest(ref.digest ?? ref.tag ?? 'latest', maxSize);
    const json = JSON.parse(root.body.toString('utf8')) as unknown;
    const mediaType = root.mediaType || (isRecord(json) && typeof json.mediaType === 'string' ? json.mediaType : '') || (isRecord(json) && Array.isArray(json.manifests) ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.oci.image.manifest.v1+json');
    this.remember(root.digest, root.body);
    if (INDEX_TYPES.has(mediaType) && isRecord(json) && Array.isArray(json.manifests)) {
      for (const m of json.manifests) if (isRecord(m) && typeof m.digest === 'string') this.manifestDigests.add(m.digest);
    }
    this.index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType, digest: root.digest, size: root.body.length, annotations: { 'org.opencontainers.image.ref.name': ref.canonical } }] }));
    return { digest: root.digest, mediaType };
  }

  private remember(digest: string, body: Buffer): void {
    this.documents.set(digest, body);
    this.manifestDigests.add(digest);
  }

  has(name: string): boolean {
    return name === 'index.json' || name === 'oci-layout' || BLOB.test(name);
  }

  size(name: string): number | undefined {
    return this.sizes.get(name);
  }

  async read(name: string, maxSize: number): Promise<Buffer> {
    if (name === 'index.json') {
      if (!this.index) throw new BulwarkError('MISSING_BLOB', this.input, 'registry store was not opened');
      return this.index;
    }
    if (name === 'oci-layout') return Buffer.from('{"imageLayoutVersion":"1.0.0"}');
    const m = BLOB.exec(name);
    if (!m) throw new BulwarkError('MISSING_BLOB', this.input, `no member ${name}`);
    const digest = `sha256:${m[1]}`;
    const known = this.documents.get(digest);
    if (known) return known;
    if (this.manifestDigests.has(digest)) {
      const fetched = await this.client.manifest(digest, maxSize);
      this.remember(digest, fetched.body);
      return fetched.body;
    }
    const body = await this.client.blobBytes(digest, maxSize);
    this.documents.set(digest, body);
    return body;
  }

  async streamMembers(names: readonly string[], consume: MemberConsumer, concurrency: number): Promise<Map<string, unknown>> {
    const failures = new Map<string, unknown>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < names.length) {
        const name = names[next++] as string;
        const m = BLOB.exec(name);
        try {
          if (!m) throw new BulwarkError('MISSING_BLOB', this.input, `no member ${name}`);
          const { stream, size } = await this.client.blob(`sha256:${m[1]}`);
          if (size !== undefined) this.sizes.set(name, size);
          await consume(name, stream as Readable, size ?? 0);
        } catch (err) {
          failures.set(name, err);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, names.length)) }, worker));
    return failures;
  }

  async close(): Promise<void> {
    this.documents.clear();
  }
}
