/**
 * On-disk cache of layer analyses keyed by diffID + analyzer-set fingerprint, so a base layer
 * shared by many images is read once. Entries are gzip'd JSON written atomically (temp file +
 * rename); a size cap evicts least-recently-used entries (mtime is refreshed on every hit).
 * A corrupt entry is treated as a miss and removed, never as an error.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createHash, randomBytes } from 'node:crypto';
import { BulwarkError } from '../model/errors.js';
import type { LayerAnalysis } from '../walker/layer-analysis.js';
import type { LayerContent } from '../content/content-types.js';

export const CACHE_FORMAT = 1;
const SUFFIX = '.layer.json.gz';

export function defaultCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'bulwark');
}

export class LayerCache {
  private readonly dir: string;

  constructor(
    root: string,
    private readonly maxBytes: number,
    private readonly fingerprint: string,
  ) {
    this.dir = join(root, 'layers');
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new BulwarkError('CACHE_ERROR', root, `cannot create cache directory: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private file(diffId: string, kind = ''): string {
    const name = createHash('sha256').update(`${CACHE_FORMAT}|${kind}${this.fingerprint}|${diffId}`).digest('hex');
    return join(this.dir, `${name}${SUFFIX}`);
  }

  private read<T>(file: string, valid: (value: T) => boolean): T | undefined {
    let raw: Buffer;
    try {
      raw = readFileSync(file);
    } catch {
      return undefined;
    }
    try {
      const value = JSON.parse(gunzipSync(raw).toString('utf8')) as T;
      if (!valid(value)) throw new Error('mismatched entry');
      const now = new Date();
      utimesSync(file, now, now);
      return value;
    } catch {
      try {
        unlinkSync(file);
      } catch {
        /* already gone */
      }
      return undefined;
    }
  }

  private write(file: string, value: unknown): void {
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      writeFileSync(tmp, gzipSync(JSON.stringify(value), { level: 1 }), { mode: 0o600 });
      renameSync(tmp, file);
    } catch {
      try {
        unlinkSync(tmp);
      } catch {
        /* nothing written */
      }
      return; // a cache that cannot be written only costs speed
    }
    this.evict();
  }

  get(diffId: string): LayerAnalysis | undefined {
    return this.read<LayerAnalysis>(this.file(diffId), (a) => a.diffId === diffId && Array.isArray(a.entries));
  }

  put(analysis: LayerAnalysis): void {
    this.write(this.file(analysis.diffId), analysis);
  }

  /** Secret/malware results of a layer, keyed also by the content scanner's own fingerprint. */
  getContent(diffId: string, fingerprint: string): LayerContent | undefined {
    return this.read<LayerContent & { diffId: string }>(this.file(diffId, `content:${fingerprint}|`), (c) => c.diffId === diffId && c.fingerprint === fingerprint && Array.isArray(c.files));
  }

  putContent(diffId: string, content: LayerContent): void {
    this.write(this.file(diffId, `content:${content.fingerprint}|`), { ...content, diffId });
  }

  /** Delete least-recently-used entries until the cache fits `maxBytes`. */
  evict(): void {
    let files: { path: string; size: number; mtime: number }[];
    try {
      files = readdirSync(this.dir)
        .filter((n) => n.endsWith(SUFFIX))
        .map((n) => {
          const path = join(this.dir, n);
          const st = statSync(path);
          return { path, size: st.size, mtime: st.mtimeMs };
        });
    } catch {
      return;
    }
    let total = files.reduce((sum, f) => sum + f.size, 0);
    if (total <= this.maxBytes) return;
    files.sort((a, b) => a.mtime - b.mtime);
    for (const f of files) {
      if (total <= this.maxBytes) break;
      try {
        unlinkSync(f.path);
        total -= f.size;
      } catch {
        /* raced with another process */
      }
    }
  }
}
