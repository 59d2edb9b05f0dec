/**
 * Conditional, resilient downloads for feed files: ETag / If-Modified-Since revalidation,
 * retries with exponential back-off on network errors, 429 and 5xx, then the next mirror.
 * The body goes to a temp file renamed into place only when complete.
 */
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { BulwarkError } from '../../model/errors.js';
import type { Feed } from './feeds.js';

export interface DownloadOptions {
  retries: number;
  /** First back-off delay in ms (doubled each retry). */
  backoffMs: number;
  timeoutMs: number;
  /** Largest accepted body. */
  maxBytes: number;
}

export interface DownloadResult {
  feed: string;
  file: string;
  status: 'downloaded' | 'not-modified';
  url: string;
  bytes: number;
}

interface Meta {
  url: string;
  etag?: string;
  lastModified?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const retryable = (status: number): boolean => status === 429 || status >= 500;

export async function downloadFeed(feed: Feed, file: string, options: DownloadOptions, log: (line: string) => void = () => undefined): Promise<DownloadResult> {
  const metaFile = `${file}.meta.json`;
  const meta: Meta | undefined = existsSync(metaFile) && existsSync(file) ? (JSON.parse(readFileSync(metaFile, 'utf8')) as Meta) : undefined;
  const failures: string[] = [];
  for (const url of feed.urls) {
    for (let attempt = 0; attempt <= options.retries; attempt++) {
      if (attempt > 0) await sleep(options.backoffMs * 2 ** (attempt - 1));
      const headers: Record<string, string> = {};
      if (meta && meta.url === url) {
        if (meta.etag) headers['if-none-match'] = meta.etag;
        if (meta.lastModified) headers['if-modified-since'] = meta.lastModified;
      }
      let response: Response;
      try {
        response = await fetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs), redirect: 'follow' });
      } catch (err) {
        failures.push(`${url}: ${err instanceof Error ? err.message : String(err)}`);
        log(`  ${feed.name}: ${url} failed (${failures[failures.length - 1]}), ${attempt < options.retries ? 'retrying' : 'giving up on this URL'}`);
        continue;
      }
      if (response.status === 304) {
        return { feed: feed.name, file, status: 'not-modified', url, bytes: 0 };
      }
      if (retryable(response.status)) {
        failures.push(`${url}: HTTP ${response.status}`);
        await response.body?.cancel();
        log(`  ${feed.name}: ${url} answered ${response.status}, ${attempt < options.retries ? 'retrying' : 'trying the next mirror'}`);
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        failures.push(`${url}: HTTP ${response.status}`);
        break; // 4xx other than 429: this URL will not work, try the next one
      }
      const declared = Number(response.headers.get('content-length') ?? 0);
      if (declared > options.maxBytes) throw new BulwarkError('FILE_TOO_LARGE', url, `feed is ${declared} bytes, over the ${options.maxBytes}-byte limit`);
      const body = Buffer.from(await response.arrayBuffer());
      if (body.length > options.maxBytes) throw new BulwarkError('FILE_TOO_LARGE', url, `feed is over the ${options.maxBytes}-byte limit`);
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, body);
        renameSync(tmp, file);
      } catch (err) {
        if (existsSync(tmp)) unlinkSync(tmp);
        throw err;
      }
      const next: Meta = { url };
      const etag = response.headers.get('etag');
      const lastModified = response.headers.get('last-modified');
      if (etag) next.etag = etag;
      if (lastModified) next.lastModified = lastModified;
      writeFileSync(metaFile, JSON.stringify(next));
      return { feed: feed.name, file, status: 'downloaded', url, bytes: body.length };
    }
  }
  throw new BulwarkError('INPUT_NOT_FOUND', feed.name, `could not download the feed from any mirror (${failures.join('; ')})`);
}
