/**
 * `bulwark image`: open the image, take each layer's analysis from the cache or read the
 * layer once (in parallel where the archive allows), merge, and report. A layer that cannot
 * be read becomes an error in the report; the other layers' results are kept.
 */
import { availableParallelism } from 'node:os';
import { PassThrough, type Readable } from 'node:stream';
import { openImage } from '../artifact/open-image.js';
import { IMAGE_SOURCES, openNamedImage, type OpenedImage } from '../engine/open-named-image.js';
import type { ImageSource, LayerSource } from '../artifact/image-source.js';
import { analyzersFor } from '../analyze/registry.js';
import { buildInventory, type AnalyzedLayer } from '../applier/inventory.js';
import { describeCause, isBulwarkError } from '../model/errors.js';
import type { LayerRef } from '../model/package.js';
import type { Problem } from '../model/problem.js';
import type { LayerSummary, ScanReport } from '../model/report.js';
import { walkLayer } from '../walker/layer-walker.js';
import type { LayerAnalysis } from '../walker/layer-analysis.js';
import type { LayerContent } from '../content/content-types.js';
import { contentFindings } from '../content/layer-findings.js';
import { configRedactions, configSecrets, redactConfig } from '../content/config-secrets.js';
import { IMAGE_CONFIG_CHECKS } from '../misconfig/image/image-config-checks.js';
import { applyMisconfigPolicy, runChecks, type ConfigScanOptions } from '../misconfig/scan-config.js';
import type { MisconfigFinding } from '../model/misconfig-finding.js';
import type { SignatureVerification } from '../model/report.js';
import type { BundleTrust } from '../signature/sigstore-trust.js';
import { verifyImageSignatures } from '../signature/verify-image.js';
import { signatureFindings } from '../signature/signature-findings.js';
import { buildReport } from './report-builder.js';
import type { ScanOptions } from './scan-options.js';

function describeLayer(layer: LayerSource): string {
  return `layer ${layer.index} (${layer.member})`;
}

const IMAGE_ANALYZERS = analyzersFor('image');

export async function scanImage(path: string, options: ScanOptions): Promise<ScanReport> {
  const started = performance.now();
  const name = options.name ?? path;
  const openOptions = {
    maxMetadataSize: options.limits.maxMetadataSize,
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.select ? { select: options.select } : {}),
  };
  const opened: OpenedImage = options.registry
    ? await openNamedImage(path, openOptions, { sources: options.imageSources ?? IMAGE_SOURCES, registry: options.registry, maxArchiveSize: options.limits.maxLayerSize, ...(options.tempDir ? { tempDir: options.tempDir } : {}) })
    : { source: await openImage(path, name, openOptions), close: () => undefined };
  try {
    const signature = options.signatureTrust ? await checkSignature(opened, options.signatureTrust) : undefined;
    const report = await scanOpenedImage(opened.source, name, options, started, signature ? signatureFindings(name, signature) : []);
    if (signature && !('unavailable' in signature)) report.signature = signature;
    return report;
  } finally {
    opened.close();
  }
}

/** Without `--scanners misconfig`, the scan's own severity filter and ignore rules still apply to the signature finding. */
function policyForExtraFindings(options: ScanOptions): ConfigScanOptions {
  const p = options.policy;
  return { ...(p?.severities ? { severities: p.severities } : {}), ...(p?.ignoreRules ? { ignoreRules: p.ignoreRules } : {}), ...(p?.ignoreFile ? { ignoreFile: p.ignoreFile } : {}), ...(p?.now ? { now: p.now } : {}) };
}

/** `--verify-key`: signatures live next to the image in its registry. */
async function checkSignature(opened: OpenedImage, trust: BundleTrust): Promise<SignatureVerification | { unavailable: string }> {
  if (!opened.registry) return { unavailable: `signatures are verified in a registry; this image was read from a ${opened.source.format} (scan it by registry reference)` };
  return verifyImageSignatures(opened.registry.client, trust, opened.registry.client, opened.registry.rootDigest);
}

async function scanOpenedImage(source: ImageSource, name: string, options: ScanOptions, started: number, extraFindings: MisconfigFinding[]): Promise<ScanReport> {
  const problems: Problem[] = [...source.problems];
  const analyses = new Map<number, LayerAnalysis>();
  const contents = new Map<number, LayerContent>();
  const cachedLayers = new Set<number>();
  const contentScanner = options.content;
  for (const layer of source.layers) {
    const hit = layer.claimedDiffId ? options.cache?.get(layer.claimedDiffId) : undefined;
    if (hit) analyses.set(layer.index, hit);
    const contentHit = contentScanner && layer.claimedDiffId ? options.cache?.getContent(layer.claimedDiffId, contentScanner.fingerprint) : undefined;
    if (contentHit) contents.set(layer.index, contentHit);
    if (hit && (!contentScanner || contentHit)) cachedLayers.add(layer.index);
  }
  const missing = source.layers.filter((l) => !cachedLayers.has(l.index));
  // The same blob may appear at several positions (empty layers): read it once.
  const byMember = new Map<string, LayerSource[]>();
  for (const l of missing) byMember.set(l.member, [...(byMember.get(l.member) ?? []), l]);
  options.onProgress?.({ type: 'layers', total: source.layers.length, cached: cachedLayers.size, bytes: missing.reduce((s, l) => s + (source.store.size(l.member) ?? 0), 0) });

  const readStarted = performance.now();
  const failures = await source.store.streamMembers(
    [...byMember.keys()],
    async (member: string, stream: Readable) => {
      const users = byMember.get(member) as LayerSource[];
      const first = users[0] as LayerSource;
      const counted = countBytes(stream, first.index, options);
      const analysisCached = analyses.has(first.index);
      const { analysis, content, digestMismatch } = await walkLayer(counted, {
        describe: describeLayer(first),
        analyzers: analysisCached ? [] : IMAGE_ANALYZERS,
        limits: options.limits,
        ...(first.digest ? { digest: first.digest } : {}),
        ...(contentScanner && !contents.has(first.index) ? { content: contentScanner } : {}),
      });
      for (const layer of users) {
        if (!analysisCached) analyses.set(layer.index, analysis);
        if (content) contents.set(layer.index, content);
        if (layer.claimedDiffId && layer.claimedDiffId !== analysis.diffId) {
          problems.push({ level: 'warning', code: 'DIFFID_MISMATCH', input: describeLayer(layer), message: `contents hash to ${analysis.diffId} but the image config claims ${layer.claimedDiffId}; the archive was altered after it was built` });
        }
        options.onProgress?.({ type: 'layer-done', layer: layer.index });
      }
      if (digestMismatch) {
        problems.push({ level: 'error', code: 'DIGEST_MISMATCH', input: describeLayer(first), message: `blob content hashes to ${digestMismatch}, not to the digest ${first.digest ?? ''} it is stored under; the image was altered (its contents are listed but must not be trusted)` });
      } else {
        if (!analysisCached) options.cache?.put(analysis);
        if (content) options.cache?.putContent(analysis.diffId, content);
      }
    },
    options.concurrency ?? Math.min(4, availableParallelism()),
  );
  for (const [member, err] of failures) {
    const first = (byMember.get(member) as LayerSource[])[0] as LayerSource;
    problems.push(toProblem(err, describeLayer(first)));
  }
  const readMs = performance.now() - readStarted;

  const refs: (LayerRef | undefined)[] = source.layers.map((l) => {
    const a = analyses.get(l.index);
    return a ? { index: l.index, diffId: a.diffId, ...(l.digest ? { digest: l.digest } : {}) } : undefined;
  });
  const layered: AnalyzedLayer[] = source.layers.map((l) => {
    const ref = refs[l.index];
    const analysis = analyses.get(l.index);
    return { ...(ref ? { ref } : {}), ...(analysis ? { analysis } : {}) };
  });
  for (const a of layered) problems.push(...(a.analysis?.problems ?? []));

  const fetch = async (layerIndex: number, paths: ReadonlySet<string>): Promise<Map<string, Buffer>> => {
    const layer = source.layers[layerIndex] as LayerSource;
    let captured = new Map<string, Buffer>();
    const failed = await source.store.streamMembers(
      [layer.member],
      async (_m, stream) => {
        ({ captured } = await walkLayer(stream, { describe: describeLayer(layer), analyzers: [], limits: options.limits, capture: paths, ...(layer.digest ? { digest: layer.digest } : {}) }));
      },
      1,
    );
    const err = failed.get(layer.member);
    if (err) throw err;
    return captured;
  };
  const inventory = await buildInventory(layered, IMAGE_ANALYZERS, fetch, name, { includeDevDeps: options.includeDevDeps === true });
  problems.push(...inventory.problems);

  const layers: LayerSummary[] = source.layers.map((l) => {
    const a = analyses.get(l.index);
    const summary: LayerSummary = { index: l.index, diffId: a?.diffId ?? l.claimedDiffId ?? '', size: a?.size ?? 0, cached: cachedLayers.has(l.index) };
    if (l.digest) summary.digest = l.digest;
    if (l.mediaType) summary.mediaType = l.mediaType;
    if (l.createdBy) summary.createdBy = l.createdBy;
    return summary;
  });
  await source.store.close();
  const found = contentScanner ? contentFindings(layered.map((l, i) => ({ ...l, ...(contents.has(i) ? { content: contents.get(i) as LayerContent } : {}) }))) : undefined;
  if (found && contentScanner?.settings.secrets) found.secrets.unshift(...configSecrets(source.config));
  const redactions = found ? configRedactions(found.secrets) : undefined;
  const configFindings = options.misconfig ? runChecks(IMAGE_CONFIG_CHECKS, { config: source.config, setidFiles: [...inventory.tree.walk()].filter((e) => e.meta.t === 'f' && ((e.meta.m ?? 0) & 0o6000) !== 0).map((e) => ({ path: e.meta.p, mode: e.meta.m ?? 0, layer: e.layer })) }, 'image-config', name, options.misconfig) : [];
  const misconfig = options.misconfig || extraFindings.length > 0 ? applyMisconfigPolicy([...extraFindings, ...configFindings], new Map(), options.misconfig ?? policyForExtraFindings(options)) : undefined;
  const report = buildReport({
    kind: 'container-image',
    name,
    format: source.format,
    source,
    layers,
    inventory,
    problems,
    ...(options.advisories ? { advisories: options.advisories } : {}),
    ...(options.severitySources ? { severitySources: options.severitySources } : {}),
    ...(misconfig ? { misconfig } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(found && contentScanner ? { content: { ...found, settings: contentScanner.settings, layers: [...new Set(contents.values())], ...(contentScanner.databaseSummary ? { database: contentScanner.databaseSummary } : {}) } } : {}),
    timings: { totalMs: Math.round(performance.now() - started), readLayersMs: Math.round(readMs), peakRssKiB: process.resourceUsage().maxRSS },
  });
  if (redactions) redactConfig(report, redactions);
  return report;
}

function countBytes(stream: Readable, layer: number, options: ScanOptions): Readable {
  if (!options.onProgress) return stream;
  const counter = new PassThrough({ highWaterMark: 256 * 1024 });
  stream.on('data', (chunk: Buffer) => options.onProgress?.({ type: 'bytes', layer, bytes: chunk.length }));
  stream.on('error', (err) => counter.destroy(err));
  return stream.pipe(counter);
}

export function toProblem(err: unknown, input: string): Problem {
  if (isBulwarkError(err)) return { level: 'error', code: err.code, input: err.input, message: err.message.slice(err.input.length + 2) };
  return { level: 'error', code: 'CORRUPT_LAYER', input, message: describeCause(err) };
}
