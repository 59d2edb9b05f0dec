/**
 * Streams one layer blob exactly once: verifies its stored digest, decompresses it, computes
 * its diffID, walks the tar entries (whiteouts, hardlinks, hostile names) and hands each
 * wanted file's bytes to the analyzers that asked for it. Unwanted data is drained, never
 * buffered, so memory stays flat whatever the layer holds.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Header } from 'tar-stream';
import { tarEntries } from './tar-entries.js';
import { BulwarkError, describeCause, isBulwarkError } from '../model/errors.js';
import type { Problem } from '../model/problem.js';
import { AutoDecompressor } from '../artifact/compression.js';
import type { FileAnalyzer } from '../analyze/analyzer.js';
import { digestAlgorithm, HashingStream } from '../util/digest.js';
import { baseName, normalizeEntryPath, parentDir } from '../util/paths.js';
import type { ScanLimits } from '../util/limits.js';
import type { AnalyzerOutput, EntryMeta, EntryType, LayerAnalysis } from './layer-analysis.js';
import type { ContentScanner } from '../content/content-scanner.js';
import type { LayerContent } from '../content/content-types.js';
import { ContentCollector } from './content-collector.js';

export interface WalkOptions {
  /** Names the layer in messages, e.g. "layer 2 (blobs/sha256/…)". */
  describe: string;
  /** Stored digest to verify (content-addressed blobs). */
  digest?: string;
  analyzers: readonly FileAnalyzer[];
  limits: ScanLimits;
  /** Extra paths whose raw bytes the caller wants back (targeted re-reads). */
  capture?: ReadonlySet<string>;
  /** Reads every regular file for the secret and malware scanners. */
  content?: ContentScanner;
}

export interface WalkResult {
  analysis: LayerAnalysis;
  captured: Map<string, Buffer>;
  /** Secret and malware results, when a content scanner was given. */
  content?: LayerContent;
  /** Set when the blob's bytes do not hash to the digest it is stored under. */
  digestMismatch?: string;
}

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE = '.wh..wh..opq';

function entryType(h: Header): EntryType {
  switch (h.type) {
    case 'file':
    case 'contiguous-file':
      return 'f';
    case 'directory':
      return 'd';
    case 'symlink':
      return 'l';
    case 'link':
      return 'h';
    default:
      return 'o';
  }
}

/**
 * Buffer an entry, unless `keep(head)` rejects its first bytes (then it is drained and
 * undefined returned) or it grows past `limit`.
 */
async function readAll(stream: AsyncIterable<unknown>, limit: number, keep: (head: Buffer) => boolean = () => true): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let rejected = false;
  for await (const chunk of stream) {
    if (rejected) continue;
    if (size === 0 && !keep((chunk as Buffer).subarray(0, 64))) {
      rejected = true;
      continue;
    }
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return rejected ? undefined : Buffer.concat(chunks);
}

/** Whether any analyzer wanting a file would still want it after seeing its first bytes. */
export function sniffAccepts(analyzers: readonly FileAnalyzer[], head: Buffer): boolean {
  return analyzers.some((a) => !a.sniff || a.sniff(head));
}

export async function walkLayer(source: Readable, options: WalkOptions): Promise<WalkResult> {
  const { describe, limits, analyzers } = options;
  const problems: Problem[] = [];
  const entries: EntryMeta[] = [];
  const whiteouts: string[] = [];
  const opaqueDirs: string[] = [];
  const results: AnalyzerOutput[] = [];
  const captured = new Map<string, Buffer>();
  /** Contents of wanted files seen so far in this layer, for hardlinks that point at them. */
  const wantedContent = new Map<string, Buffer>();
  const pendingLinks: { path: string; target: string }[] = [];
  const contents = options.content ? new ContentCollector(options.content, describe, problems) : undefined;

  // The stored digest is only hashed when there is one to verify (docker-archive legacy
  // layers have none): hashing is the largest CPU cost of reading a layer.
  const storedHash = options.digest ? new HashingStream(digestAlgorithm(options.digest)) : undefined;
  const decompressor = new AutoDecompressor();
  const diffHash = new HashingStream('sha256', limits.maxLayerSize, () =>
    new BulwarkError('LAYER_TOO_LARGE', describe, `uncompressed layer exceeds --max-layer-size (${limits.maxLayerSize} bytes); possible decompression bomb`),
  );

  const runAnalyzers = async (path: string, content: Buffer, mode: number | undefined): Promise<void> => {
    for (const analyzer of analyzers) {
      if (!analyzer.wants(path, mode)) continue;
      try {
        const data = await analyzer.analyze({ path, content, describe: `${describe}: /${path}` });
        if (data !== undefined) results.push({ analyzer: analyzer.name, path, data });
      } catch (err) {
        problems.push({
          level: 'warning',
          code: 'UNREADABLE_FILE',
          input: `${describe}: /${path}`,
          message: `${analyzer.name} could not parse it: ${describeCause(err)}`,
        });
      }
    }
  };

  const extract = tarEntries(async (header, stream) => {
    let consumed = false;
    const handle = async (): Promise<void> => {
      let path: string | undefined;
      try {
        path = normalizeEntryPath(header.name, describe);
      } catch (err) {
        if (!isBulwarkError(err)) throw err;
        problems.push({ level: 'error', code: err.code, input: describe, message: err.message.slice(describe.length + 2) });
        return;
      }
      if (path === undefined) return;
      if (entries.length >= limits.maxEntriesPerLayer) {
        throw new BulwarkError('TOO_MANY_ENTRIES', describe, `more than ${limits.maxEntriesPerLayer} entries in one layer`);
      }
      const name = baseName(path);
      if (name.startsWith(WHITEOUT_PREFIX)) {
        const dir = parentDir(path);
        if (name === OPAQUE) opaqueDirs.push(dir);
        else whiteouts.push(dir ? `${dir}/${name.slice(WHITEOUT_PREFIX.length)}` : name.slice(WHITEOUT_PREFIX.length));
        return;
      }
      const type = entryType(header);
      const meta: EntryMeta = { p: path, t: type };
      if (type === 'f') meta.s = header.size ?? 0;
      if (header.mode !== undefined) meta.m = header.mode;
      if (header.uid) meta.u = header.uid;
      if (header.gid) meta.g = header.gid;
      if (type === 'l') meta.l = header.linkname ?? '';
      if (type === 'h') {
        try {
          meta.l = normalizeEntryPath(header.linkname ?? '', describe) ?? '';
        } catch (err) {
          if (!isBulwarkError(err)) throw err;
          problems.push({ level: 'error', code: err.code, input: describe, message: `hardlink '${path}': ${err.message.slice(describe.length + 2)}` });
          return;
        }
      }
      entries.push(meta);
      const wanted = analyzers.some((a) => a.wants(path as string, meta.m));
      const capture = options.capture?.has(path) ?? false;
      if (type === 'h') contents?.link(path, meta.l as string);
      const scanContent = type === 'f' && contents !== undefined && contents.wants(path, meta.s ?? 0);
      if (type === 'h' && (wanted || capture)) {
        const content = wantedContent.get(meta.l as string) ?? captured.get(meta.l as string);
        if (content) {
          if (capture) captured.set(path, content);
          if (wanted) await runAnalyzers(path, content, meta.m);
        } else pendingLinks.push({ path, target: meta.l as string });
        return;
      }
      if (type !== 'f' || !(wanted || capture || scanContent)) return;
      const size = header.size ?? 0;
      const limit = Math.min(limits.maxAnalyzedFileSize, ...analyzers.filter((a) => a.wants(path as string, meta.m)).map((a) => a.maxFileSize ?? Infinity));
      let analyze = wanted || capture;
      if (analyze && size > limit) {
        problems.push({ level: 'warning', code: 'SKIPPED_FILE', input: `${describe}: /${path}`, message: `skipped: ${size} bytes is over the ${limit}-byte limit for this file` });
        analyze = false;
        if (!scanContent) return;
      }
      consumed = true;
      const wanting = analyzers.filter((a) => a.wants(path as string, meta.m));
      const keep = capture ? undefined : (head: Buffer): boolean => (analyze && sniffAccepts(wanting, head)) || (scanContent && (contents as ContentCollector).sniff(head));
      const content = await readAll(stream, Math.max(analyze ? limit : 0, scanContent ? size : 0), keep);
      if (!content) return;
      if (scanContent && contents?.sniff(content.subarray(0, 64))) await contents.scan(path, content);
      if (!analyze) return;
      if (capture) captured.set(path, content);
      if (wanted && sniffAccepts(wanting, content.subarray(0, 64))) {
        wantedContent.set(path, content);
        await runAnalyzers(path, content, meta.m);
      }
    };
    await handle();
    return consumed;
  });

  try {
    if (storedHash) await pipeline(source, storedHash, decompressor, diffHash, extract);
    else await pipeline(source, decompressor, diffHash, extract);
  } catch (err) {
    if (isBulwarkError(err)) throw err;
    throw new BulwarkError('CORRUPT_LAYER', describe, `cannot read layer: ${describeCause(err)}`, { cause: err });
  }
  // A digest mismatch is reported by the caller; the contents are still returned so the
  // user sees what the tampered blob holds, but they must never be cached under its name.
  const digestMismatch = storedHash && storedHash.digest !== options.digest ? storedHash.digest : undefined;
  const content = contents ? await contents.finish() : undefined;
  if (pendingLinks.length > 0) {
    // A wanted path hardlinked to an earlier file we did not keep: report it, the caller may re-read.
    for (const link of pendingLinks) {
      problems.push({ level: 'warning', code: 'SKIPPED_FILE', input: `${describe}: /${link.path}`, message: `hardlink to /${link.target}, which was not kept; not analysed` });
    }
  }
  return {
    analysis: {
      diffId: diffHash.digest,
      size: diffHash.bytes,
      compression: decompressor.compression ?? 'none',
      entries,
      whiteouts,
      opaqueDirs,
      results,
      problems,
    },
    captured,
    ...(content ? { content } : {}),
    ...(digestMismatch ? { digestMismatch } : {}),
  };
}
