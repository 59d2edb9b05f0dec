/**
 * `bulwark rootfs DIR`: the same analyzers and inventory over an unpacked filesystem
 * (a container's root, a VM disk mounted read-only, a debootstrap tree).
 */
import { stat } from 'node:fs/promises';
import type { ScanMode } from '../analyze/analyzer.js';
import { analyzersFor } from '../analyze/registry.js';
import { buildInventory } from '../applier/inventory.js';
import { BulwarkError } from '../model/errors.js';
import type { ScanReport } from '../model/report.js';
import { walkDirectory } from '../walker/fs-walker.js';
import { buildReport } from './report-builder.js';
import { contentFindings } from '../content/layer-findings.js';
import { scanConfigPaths } from '../misconfig/scan-config.js';
import type { ScanOptions } from './scan-options.js';

/** `bulwark rootfs DIR`: installed artifacts only, like an image. */
export function scanRootfs(dir: string, options: ScanOptions): Promise<ScanReport> {
  return scanDirectory(dir, options, 'image');
}

/** `bulwark fs DIR`: a project checkout; lockfiles and manifests too, `.git` skipped. */
export function scanFs(dir: string, options: ScanOptions): Promise<ScanReport> {
  return scanDirectory(dir, options, 'fs');
}

async function scanDirectory(dir: string, options: ScanOptions, mode: ScanMode): Promise<ScanReport> {
  const started = performance.now();
  const analyzers = analyzersFor(mode);
  const skipDirNames = mode === 'fs' ? new Set(['.git']) : undefined;
  const name = options.name ?? dir;
  const st = await stat(dir).catch(() => undefined);
  if (!st) throw new BulwarkError('INPUT_NOT_FOUND', name, 'no such directory');
  if (!st.isDirectory()) throw new BulwarkError('USAGE', name, 'not a directory (scan image archives with `bulwark image`)');
  const { analysis, content } = await walkDirectory(dir, name, { analyzers, limits: options.limits, ...(skipDirNames ? { skipDirNames } : {}), ...(options.content ? { content: options.content } : {}) });
  const fetch = async (_layer: number, paths: ReadonlySet<string>): Promise<Map<string, Buffer>> =>
    (await walkDirectory(dir, name, { analyzers: [], limits: options.limits, capture: paths })).captured;
  const inventory = await buildInventory([{ analysis }], analyzers, fetch, name, { includeDevDeps: options.includeDevDeps === true });
  const config = options.misconfig ? scanConfigPaths([dir], options.misconfig) : undefined;
  const report = buildReport({
    kind: mode === 'fs' ? 'filesystem' : 'rootfs',
    name,
    format: mode === 'fs' ? 'filesystem' : 'rootfs',
    layers: [],
    inventory,
    problems: [...analysis.problems, ...inventory.problems],
    ...(options.advisories ? { advisories: options.advisories } : {}),
    ...(options.severitySources ? { severitySources: options.severitySources } : {}),
    ...(config ? { misconfig: { kept: config.misconfigurations ?? [], suppressed: config.suppressedMisconfigurations ?? [] } } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.content && content ? { content: { ...contentFindings([{ content }]), settings: options.content.settings, layers: [content], ...(options.content.databaseSummary ? { database: options.content.databaseSummary } : {}) } } : {}),
    timings: { totalMs: Math.round(performance.now() - started), peakRssKiB: process.resourceUsage().maxRSS },
  });
  if (config) report.problems.push(...config.problems);
  return report;
}
