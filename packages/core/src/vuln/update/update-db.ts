/**
 * `bulwark db update`: download every feed (conditionally), then build a fresh database from
 * the downloaded files next to the live one and rename it into place. Any failure leaves the
 * previous database untouched.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readAdvisorySource } from '../db/importers/read-source.js';
import { AdvisoryStore } from '../db/store.js';
import { downloadFeed, type DownloadOptions, type DownloadResult } from './download.js';
import type { Feed } from './feeds.js';

export interface UpdateResult {
  downloads: DownloadResult[];
  advisories: number;
}

export async function updateDatabase(dbPath: string, feeds: readonly Feed[], options: DownloadOptions, log: (line: string) => void = () => undefined): Promise<UpdateResult> {
  const cache = join(dirname(dbPath), 'feeds');
  mkdirSync(cache, { recursive: true });
  const downloads: DownloadResult[] = [];
  for (const feed of feeds) {
    const ext = feed.urls[0]?.match(/\.(zip|json|jsonl|jsonl\.gz|xml|xml\.gz)$/)?.[1] ?? 'json';
    const result = await downloadFeed(feed, join(cache, `${feed.name}.${ext}`), options, log);
    log(`  ${feed.name}: ${result.status === 'downloaded' ? `${result.bytes} bytes from ${result.url}` : 'not modified'}`);
    downloads.push(result);
  }
  const staging = `${dbPath}.update-${process.pid}`;
  rmSync(staging, { force: true });
  let advisories = 0;
  try {
    const store = AdvisoryStore.open(staging);
    try {
      for (const d of downloads) {
        const source = readAdvisorySource(d.file);
        advisories += store.importSource({ name: `feed:${d.feed}`, format: source.format, origin: d.url }, source.advisories);
      }
    } finally {
      store.close();
    }
    // rename(2) is atomic: readers see the old file or the new one, never a mix.
    renameSync(staging, dbPath);
  } catch (err) {
    rmSync(staging, { force: true });
    throw err;
  }
  return { downloads, advisories };
}
