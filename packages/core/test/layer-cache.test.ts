import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LayerCache } from '../src/cache/layer-cache.js';
import type { LayerAnalysis } from '../src/walker/layer-analysis.js';

const analysis = (n: number): LayerAnalysis => ({
  diffId: `sha256:${String(n).padStart(64, '0')}`,
  size: n,
  compression: 'gzip',
  entries: Array.from({ length: 200 }, (_, i) => ({ p: `usr/lib/file-${n}-${i}-${createHash('sha256').update(`${n}/${i}`).digest('hex')}`, t: 'f' as const, s: i })),
  whiteouts: [],
  opaqueDirs: [],
  results: [],
  problems: [],
});

describe('LayerCache', () => {
  it('round-trips an analysis and misses on another fingerprint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-cache-'));
    const cache = new LayerCache(dir, 1 << 30, 'v1');
    const a = analysis(1);
    cache.put(a);
    expect(cache.get(a.diffId)).toEqual(a);
    expect(new LayerCache(dir, 1 << 30, 'v2').get(a.diffId)).toBeUndefined();
  });

  it('treats a corrupt entry as a miss and removes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-cache-'));
    const cache = new LayerCache(dir, 1 << 30, 'v1');
    cache.put(analysis(2));
    const [file] = readdirSync(join(dir, 'layers'));
    writeFileSync(join(dir, 'layers', file as string), 'garbage');
    expect(cache.get(analysis(2).diffId)).toBeUndefined();
    expect(readdirSync(join(dir, 'layers'))).toEqual([]);
  });

  it('evicts least-recently-used entries beyond the size cap', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-cache-'));
    const big = new LayerCache(dir, 1 << 30, 'v1');
    for (const n of [1, 2, 3]) big.put(analysis(n));
    const files = readdirSync(join(dir, 'layers'));
    // Age the entries: 1 oldest, 3 newest; then use 1 so it becomes the most recent.
    files.forEach((f, i) => utimesSync(join(dir, 'layers', f), 1000 + i, 1000 + i));
    const sizes = files.map((f) => statSync(join(dir, 'layers', f)).size);
    // Room for two entries but not three (sizes differ by a few bytes at most: same shape, hashed names).
    const capped = new LayerCache(dir, Math.max(...sizes) * 2.5, 'v1');
    const hit = capped.get(analysis(1).diffId);
    expect(hit).toBeDefined();
    capped.put(analysis(4)); // over the cap: the two least recently used go
    expect(capped.get(analysis(1).diffId)).toBeDefined();
    expect(capped.get(analysis(4).diffId)).toBeDefined();
    const left = [2, 3].filter((n) => capped.get(analysis(n).diffId) !== undefined);
    expect(left).toEqual([]);
  });
});
