/**
 * Turns per-layer analyses into one inventory: applies the layers in order (whiteouts,
 * opaque dirs), keeps each analyzer result only where its file survives, follows symlinked
 * release/database paths inside the image root, then lets each analyzer assemble packages
 * with provenance. Pure merging: file bytes it still needs come through `fetch`.
 */
import { isBulwarkError } from '../model/errors.js';
import type { LayerRef, OsInfo, Package } from '../model/package.js';
import type { Problem } from '../model/problem.js';
import type { AnyAnalyzer, AssembleContext, FinalResult, OsReleaseData } from '../analyze/analyzer.js';
import { detectOs } from '../analyze/os/detect-os.js';
import { resolveInRoot } from '../util/paths.js';
import type { LayerAnalysis } from '../walker/layer-analysis.js';
import { FileTree } from './file-tree.js';
import { finalizePackages, type FinalizeOptions } from './finalize-packages.js';

export interface AnalyzedLayer {
  /** Undefined for a rootfs (one pseudo-layer with no identity). */
  ref?: LayerRef;
  /** Undefined when the layer could not be read (its problem is reported elsewhere). */
  analysis?: LayerAnalysis;
}

/** Reads files from one layer by path (a targeted second read); returns what it found. */
export type LayerFileFetcher = (layerIndex: number, paths: ReadonlySet<string>) => Promise<Map<string, Buffer>>;

export interface Inventory {
  tree: FileTree;
  os: OsInfo | undefined;
  packages: Package[];
  problems: Problem[];
}

const key = (analyzer: string, path: string): string => `${analyzer}\u0000${path}`;

export async function buildInventory(
  layers: readonly AnalyzedLayer[],
  analyzers: readonly AnyAnalyzer[],
  fetch: LayerFileFetcher | undefined,
  input: string,
  options: FinalizeOptions = { includeDevDeps: false },
): Promise<Inventory> {
  const problems: Problem[] = [];
  const tree = new FileTree();
  layers.forEach((layer, i) => {
    if (layer.analysis) tree.applyLayer(i, layer.analysis);
  });

  const finals = new Map<string, FinalResult<unknown>[]>();
  const history = new Map<string, FinalResult<unknown>[]>();
  const finalByKey = new Map<string, FinalResult<unknown>>();
  layers.forEach((layer, i) => {
    for (const r of layer.analysis?.results ?? []) {
      const result: FinalResult<unknown> = { path: r.path, data: r.data, ...(layer.ref ? { layer: layer.ref } : {}) };
      const k = key(r.analyzer, r.path);
      history.set(k, [...(history.get(k) ?? []), result]);
      const entry = tree.get(r.path);
      if (entry && entry.layer === i && (entry.meta.t === 'f' || entry.meta.t === 'h')) finalByKey.set(k, result);
    }
  });

  await followSymlinks(tree, layers, analyzers, finalByKey, fetch, problems, input);

  for (const [k, result] of finalByKey) {
    const analyzer = k.slice(0, k.indexOf('\u0000'));
    finals.set(analyzer, [...(finals.get(analyzer) ?? []), result]);
  }

  const releaseFiles = new Map<string, OsReleaseData>();
  for (const a of analyzers) {
    if (a.kind !== 'os') continue;
    for (const r of finals.get(a.name) ?? []) releaseFiles.set(r.path, r.data as OsReleaseData);
  }
  const os = detectOs(releaseFiles);

  const packages: Package[] = [];
  for (const a of analyzers) {
    if (a.kind === 'os') continue;
    const ctx: AssembleContext<unknown> = {
      results: (finals.get(a.name) ?? []).sort((x, y) => x.path.localeCompare(y.path)),
      history: (path) => history.get(key(a.name, path)) ?? [],
      os,
      fileType: (path) => tree.lookup(path)?.type,
      report: (p) => problems.push(p),
    };
    packages.push(...a.assemble(ctx));
  }
  const finalPackages = finalizePackages(packages, options);
  finalPackages.sort((x, y) => x.type.localeCompare(y.type) || x.name.localeCompare(y.name) || x.version.localeCompare(y.version) || (x.arch ?? '').localeCompare(y.arch ?? ''));
  return { tree, os, packages: finalPackages, problems };
}

/**
 * A wanted path that is a symlink in the final filesystem (Debian's /etc/os-release ->
 * ../usr/lib/os-release) takes the result of its in-root target, read again if no analyzer
 * kept it.
 */
async function followSymlinks(
  tree: FileTree,
  layers: readonly AnalyzedLayer[],
  analyzers: readonly AnyAnalyzer[],
  finalByKey: Map<string, FinalResult<unknown>>,
  fetch: LayerFileFetcher | undefined,
  problems: Problem[],
  input: string,
): Promise<void> {
  const toFetch = new Map<number, Map<string, { linkPath: string; analyzer: AnyAnalyzer }[]>>();
  for (const entry of tree.walk()) {
    if (entry.meta.t !== 'l') continue;
    const linkPath = entry.meta.p;
    const wanting = analyzers.filter((a) => a.wants(linkPath));
    if (wanting.length === 0) continue;
    let target: string;
    try {
      const resolved = resolveInRoot(tree, linkPath, input);
      target = resolved.path;
      if (resolved.escaped) {
        problems.push({ level: 'error', code: 'SYMLINK_ESCAPE', input, message: `symlink /${linkPath} -> ${entry.meta.l ?? ''} points outside the image root; read as /${target} inside the root, as a container would` });
      }
    } catch (err) {
      if (!isBulwarkError(err)) throw err;
      problems.push({ level: 'error', code: err.code, input, message: `/${linkPath}: ${err.message.slice(input.length + 2)}` });
      continue;
    }
    const targetEntry = tree.get(target);
    if (!targetEntry || (targetEntry.meta.t !== 'f' && targetEntry.meta.t !== 'h')) continue;
    for (const analyzer of wanting) {
      const existing = finalByKey.get(key(analyzer.name, target));
      if (existing) {
        finalByKey.set(key(analyzer.name, linkPath), { ...existing, path: linkPath });
        continue;
      }
      const byLayer = toFetch.get(targetEntry.layer) ?? new Map<string, { linkPath: string; analyzer: AnyAnalyzer }[]>();
      byLayer.set(target, [...(byLayer.get(target) ?? []), { linkPath, analyzer }]);
      toFetch.set(targetEntry.layer, byLayer);
    }
  }
  if (!fetch) return;
  for (const [layerIndex, wanted] of toFetch) {
    let contents: Map<string, Buffer>;
    try {
      contents = await fetch(layerIndex, new Set(wanted.keys()));
    } catch (err) {
      problems.push({ level: 'error', code: isBulwarkError(err) ? err.code : 'CORRUPT_LAYER', input, message: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const ref = layers[layerIndex]?.ref;
    for (const [target, users] of wanted) {
      const content = contents.get(target);
      if (!content) continue;
      for (const { linkPath, analyzer } of users) {
        try {
          const data = await analyzer.analyze({ path: linkPath, content, describe: `${input}: /${target}` });
          if (data !== undefined) finalByKey.set(key(analyzer.name, linkPath), { path: linkPath, data, ...(ref ? { layer: ref } : {}) });
        } catch (err) {
          problems.push({ level: 'warning', code: 'UNREADABLE_FILE', input: `${input}: /${target}`, message: `${analyzer.name} could not parse it: ${err instanceof Error ? err.message : String(err)}` });
        }
      }
    }
  }
}

