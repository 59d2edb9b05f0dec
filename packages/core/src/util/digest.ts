/**
 * Content digests (`sha256:<hex>`, `sha512:<hex>`): parsing, and a pass-through hasher so a
 * stream can be verified while it is being read, never after buffering it.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST_RE.test(value);
}

export function digestAlgorithm(digest: string): 'sha256' | 'sha512' {
  return digest.startsWith('sha512:') ? 'sha512' : 'sha256';
}

export function digestHex(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

export function sha256(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function digestOf(data: Uint8Array, algorithm: 'sha256' | 'sha512'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

/** Counts and hashes the bytes flowing through it. `digest` is valid after 'end'. */
export class HashingStream extends Transform {
  private readonly hash: Hash;
  readonly algorithm: 'sha256' | 'sha512';
  bytes = 0;

  /** `limit`: fail with `onLimit()`'s error once more than this many bytes have passed. */
  constructor(
    algorithm: 'sha256' | 'sha512' = 'sha256',
    private readonly limit = Number.POSITIVE_INFINITY,
    private readonly onLimit: () => Error = () => new Error('size limit exceeded'),
  ) {
    super({ highWaterMark: 256 * 1024 });
    this.algorithm = algorithm;
    this.hash = createHash(algorithm);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      done(this.onLimit());
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  private result: string | undefined;
  get digest(): string {
    this.result ??= `${this.algorithm}:${this.hash.digest('hex')}`;
    return this.result;
  }
}
