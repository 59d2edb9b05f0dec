/**
 * `bulwark rootfs DIR`: the same analyzers and inventory over an unpacked filesystem
 * (a container's root, a VM disk mounted read-only, a debootstrap tree).
 */
import { stat } from 'node:fs/promises';
import { ALL_ANALYZERS } from '../analyze/registry.js';
import { buildInventory } from '../applier/inventory.js';
import { BulwarkError } from '../model/errors.js';
import type { ScanReport } from '../model/report.js';
import { walkDirectory } from '../walker/fs-walker.js';
import { buildReport } from './report-builder.js';
import type { ScanOptions } from './scan-options.js';

export async function scanRootfs(dir: string, options: ScanOptions): Promise<ScanReport> {
  const started = performance.now();
  const name = options.name ?? dir;
  const st = await stat(dir).catch(() => undefined);
  if (!st) throw new BulwarkError('INPUT_NOT_FOUND', name, 'no such directory');
  if (!st.isDirectory()) throw new BulwarkError('USAGE', name, 'not a directory (scan image archives with `bulwark image`)');
  const { analysis } = await walkDirectory(dir, name, { analyzers: ALL_ANALYZERS, limits: options.limits });
  const fetch = async (_layer: number, paths: ReadonlySet<string>): Promise<Map<string, Buffer>> =>
    (await walkDirectory(dir, name, { analyzers: [], limits: options.limits, capture: paths })).captured;
  const inventory = await buildInventory([{ analysis }], ALL_ANALYZERS, fetch, name);
  return buildReport({
    kind: 'rootfs',
    name,
    format: 'rootfs',
    layers: [],
    inventory,
    problems: [...analysis.problems, ...inventory.problems],
    timings: { totalMs: Math.round(performance.now() - started), peakRssKiB: process.resourceUsage().maxRSS },
  });
}
