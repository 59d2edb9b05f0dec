/**
 * Stream decompression chosen by sniffing magic bytes, not by trusting media types or file
 * names (fixtures and real registries both mislabel): gzip (also eStargz, multi-member),
 * zstd (fzstd, pure JS: Node 20 has no zstd in zlib) or plain tar.
 */
import { createGunzip } from 'node:zlib';
import { Transform, type TransformCallback } from 'node:stream';
import { Decompress as ZstdStream } from 'fzstd';

export type Compression = 'gzip' | 'zstd' | 'none';

export function sniffCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

class ZstdDecompressor extends Transform {
  private readonly inner: ZstdStream;
  private sawInput = false;

  constructor() {
    super();
    this.inner = new ZstdStream((chunk) => {
      this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.sawInput = true;
      this.inner.push(chunk);
      done();
    } catch (err) {
      done(new Error(`zstd: ${err instanceof Error ? err.message : String(err)}`));
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      if (this.sawInput) this.inner.push(new Uint8Array(0), true);
      done();
    } catch (err) {
      done(new Error(`zstd: truncated or corrupt stream (${err instanceof Error ? err.message : String(err)})`));
    }
  }
}

/**
 * A Transform that looks at the first bytes it receives and decompresses accordingly.
 * `onDetect` reports what it found (for layer summaries).
 */
export class AutoDecompressor extends Transform {
  private inner: Transform | undefined;
  private head: Buffer[] = [];
  private headLength = 0;
  compression: Compression | undefined;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.inner) {
      this.forward(chunk, done);
      return;
    }
    this.head.push(chunk);
    this.headLength += chunk.length;
    if (this.headLength < 4) {
      done();
      return;
    }
    this.start();
    this.forward(Buffer.concat(this.head), done);
    this.head = [];
  }

  override _flush(done: TransformCallback): void {
    if (!this.inner) {
      if (this.headLength === 0) {
        done();
        return;
      }
      this.start();
    }
    const inner = this.inner as unknown as Transform;
    if (this.head.length > 0) {
      inner.write(Buffer.concat(this.head));
      this.head = [];
    }
    inner.once('end', () => done());
    inner.once('error', (err) => done(err));
    inner.end();
  }

  private start(): void {
    this.compression = sniffCompression(Buffer.concat(this.head).subarray(0, 4));
    const inner: Transform =
      this.compression === 'gzip' ? createGunzip({ chunkSize: 256 * 1024 }) : this.compression === 'zstd' ? new ZstdDecompressor() : new Transform({
        transform(chunk: Buffer, _e, cb) {
          cb(null, chunk);
        },
      });
    inner.on('data', (data: Buffer) => {
      if (!this.push(data)) inner.pause();
    });
    inner.on('error', (err: Error) => this.destroy(err));
    this.inner = inner;
  }

  override _read(size: number): void {
    this.inner?.resume();
    super._read(size);
  }

  private forward(chunk: Buffer, done: TransformCallback): void {
    const inner = this.inner as Transform;
    if (inner.write(chunk)) done();
    else inner.once('drain', () => done());
  }
}
