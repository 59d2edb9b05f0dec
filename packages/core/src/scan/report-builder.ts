/**
 * Assembles the ScanReport every reporter renders from an inventory and target metadata.
 */
import type { ImageConfig, ImageSource } from '../artifact/image-source.js';
import type { Inventory } from '../applier/inventory.js';
import type { Problem } from '../model/problem.js';
import type { ArtifactKind, ImageConfigSummary, LayerSummary, ScanReport } from '../model/report.js';
import { TOOL_VERSION } from '../version.js';
import type { AdvisoryStore } from '../vuln/db/store.js';
import { matchVulnerabilities } from '../vuln/match/matcher.js';
import { activeIgnoreRules, applyPolicy, type PolicyOptions } from '../policy/suppression.js';
import { applyContentPolicy } from '../policy/content-policy.js';
import type { MalwareFinding, SecretFinding } from '../model/content-finding.js';
import type { MisconfigFinding } from '../model/misconfig-finding.js';
import type { ContentScanSettings, LayerContent } from '../content/content-types.js';

export interface ContentResults {
  secrets: SecretFinding[];
  malware: MalwareFinding[];
  settings?: ContentScanSettings;
  layers: LayerContent[];
  database?: { source: string; loaded: number; skipped: number };
}

export function summarizeConfig(config: ImageConfig): ImageConfigSummary {
  const c = config.config ?? {};
  const out: ImageConfigSummary = {};
  if (c.User) out.user = c.User;
  if (c.Env?.length) out.env = c.Env;
  if (c.Entrypoint?.length) out.entrypoint = c.Entrypoint;
  if (c.Cmd?.length) out.cmd = c.Cmd;
  if (c.WorkingDir) out.workingDir = c.WorkingDir;
  if (c.ExposedPorts) out.exposedPorts = Object.keys(c.ExposedPorts);
  if (c.Labels && Object.keys(c.Labels).length > 0) out.labels = c.Labels;
  if (config.created) out.created = config.created;
  return out;
}

export function buildReport(args: {
  kind: ArtifactKind;
  name: string;
  format: string;
  source?: ImageSource;
  layers: LayerSummary[];
  inventory: Pick<Inventory, 'os' | 'packages'>;
  problems: Problem[];
  timings: Record<string, number>;
  advisories?: AdvisoryStore;
  policy?: PolicyOptions & { ignoreFile?: string };
  content?: ContentResults;
  severitySources?: readonly string[];
  misconfig?: { kept: MisconfigFinding[]; suppressed: { finding: MisconfigFinding; by: string; reason: string }[] };
}): ScanReport {
  const report: ScanReport = {
    schemaVersion: 1,
    tool: { name: 'bulwark', version: TOOL_VERSION },
    createdAt: new Date().toISOString(),
    artifact: { kind: args.kind, name: args.name, format: args.format, layers: args.layers },
    packages: args.inventory.packages,
    problems: args.problems,
    timings: args.timings,
  };
  if (args.inventory.os) report.os = args.inventory.os;
  if (args.advisories) {
    const started = performance.now();
    const matched = matchVulnerabilities(report.packages, report.os, args.advisories, args.severitySources ? { severitySources: args.severitySources } : {});
    const policy = applyPolicy(matched, args.policy ?? {}, args.policy?.ignoreFile);
    report.vulnerabilities = policy.findings;
    if (policy.suppressed.length > 0) report.suppressed = policy.suppressed;
    report.problems.push(...policy.problems);
    report.timings.matchMs = Math.round(performance.now() - started);
  }
  if (args.misconfig) {
    report.misconfigurations = args.misconfig.kept;
    if (args.misconfig.suppressed.length > 0) report.suppressedMisconfigurations = args.misconfig.suppressed;
  }
  if (args.content?.settings) {
    const { settings, layers } = args.content;
    const filtered = applyContentPolicy(args.content.secrets, args.content.malware, args.policy ?? {});
    if (settings.secrets) report.secrets = filtered.secrets;
    if (settings.malware) report.malware = filtered.malware;
    if (filtered.suppressed.length > 0) report.suppressedContent = filtered.suppressed;
    // Expired ignore rules are reported once; the vulnerability policy already did when it ran.
    if (!args.advisories) report.problems.push(...activeIgnoreRules(args.policy ?? {}, args.policy?.ignoreFile).problems);
    report.contentScan = {
      scanners: [...(settings.secrets ? (['secret'] as const) : []), ...(settings.malware ? (['malware'] as const) : [])],
      filesScanned: layers.reduce((n, l) => n + l.scannedFiles, 0),
      bytesScanned: layers.reduce((n, l) => n + l.scannedBytes, 0),
      skippedLarge: layers.reduce((n, l) => n + l.skippedLarge, 0),
      maxFileSize: settings.maxFileSize,
      ...(args.content.database ? { malwareDatabase: { source: args.content.database.source, signatures: args.content.database.loaded, unsupported: args.content.database.skipped } } : {}),
    };
  }
  const src = args.source;
  if (src) {
    const platform = src.config.os && src.config.architecture ? { os: src.config.os, architecture: src.config.architecture, ...(src.config.variant ? { variant: src.config.variant } : {}) } : undefined;
    report.artifact.image = {
      repoTags: src.repoTags,
      repoDigests: src.repoDigests ?? [],
      config: summarizeConfig(src.config),
      ...(src.configDigest ? { imageId: src.configDigest } : {}),
      ...(src.manifestDigest ? { manifestDigest: src.manifestDigest } : {}),
      ...(platform ? { platform } : {}),
    };
  }
  return report;
}
