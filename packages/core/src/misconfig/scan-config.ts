/**
 * `bulwark config PATH…`: finds configuration files (or reads one from stdin with its
 * type), parses each, runs its type's checks, applies inline suppressions, the ignore file
 * and the severity filter, and builds the report. A file that cannot be parsed becomes an
 * error naming it and the line; the other files are still scanned.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Severity } from '../model/finding.js';
import type { ConfigType, MisconfigFinding } from '../model/misconfig-finding.js';
import type { Problem } from '../model/problem.js';
import type { ScanReport } from '../model/report.js';
import { activeIgnoreRules, type IgnoreRule } from '../policy/suppression.js';
import { TOOL_VERSION } from '../version.js';
import type { Check, CheckOptions } from './check.js';
import { detectConfigType } from './detect-type.js';
import { parseDockerfile } from './dockerfile/parse-dockerfile.js';
import { DOCKERFILE_CHECKS } from './dockerfile/registry.js';
import { KUBERNETES_CHECKS } from './kubernetes/registry.js';
import { parseManifests, type K8sObject } from './kubernetes/parse-manifests.js';
import { Suppressions } from './suppressions.js';
import { COMPOSE_CHECKS } from './compose/compose-checks.js';
import { GITHUB_ACTIONS_CHECKS } from './ci/github-actions-checks.js';
import { GITLAB_CI_CHECKS } from './ci/gitlab-ci-checks.js';
import { REGISTRY_CONFIG_CHECKS } from './registry-config/registry-config-checks.js';
import { parseYamlFile, type YamlFile } from './yaml-document.js';
import type { CustomChecks } from './custom/custom-checks.js';

/** Single-document YAML types and their check tables (one line per type). */
const YAML_CHECKS: Partial<Record<ConfigType, readonly Check<YamlFile>[]>> = {
  compose: COMPOSE_CHECKS,
  'github-actions': GITHUB_ACTIONS_CHECKS,
  'gitlab-ci': GITLAB_CI_CHECKS,
  'registry-config': REGISTRY_CONFIG_CHECKS,
};

export interface ConfigScanOptions extends CheckOptions {
  /** User-defined CEL checks (`--policy DIR`), run after the built-in ones. */
  custom?: CustomChecks;
  /** Force the type (stdin, or files with unusual names). */
  type?: ConfigType;
  severities?: readonly Severity[];
  ignoreRules?: readonly IgnoreRule[];
  ignoreFile?: string;
  now?: Date;
}

export interface ConfigInput {
  path: string;
  text: string;
}

const MAX_CONFIG_FILE = 4 * 1024 * 1024;
const SKIP_DIRS = new Set(['.git', 'node_modules', 'vendor', '.terraform', '__pycache__']);

/** Files under the given paths that look like configuration (directories walked, symlinks not followed). */
export function collectConfigFiles(paths: readonly string[], problems: Problem[]): string[] {
  const out: string[] = [];
  const walk = (p: string, top: boolean): void => {
    let st;
    try {
      st = lstatSync(p);
    } catch {
      problems.push({ level: 'error', code: 'INPUT_NOT_FOUND', input: p, message: 'no such file or directory' });
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!SKIP_DIRS.has(name)) walk(join(p, name), false);
    } else if (st.isFile() && (top || st.size <= MAX_CONFIG_FILE)) out.push(p);
  };
  for (const p of paths) walk(p, true);
  return out;
}

export function runChecks<T>(checks: readonly Check<T>[], doc: T, type: ConfigType, path: string, options: CheckOptions): MisconfigFinding[] {
  return checks.flatMap((c) =>
    c.run(doc, options).map((h) => {
      const f: MisconfigFinding = { kind: 'misconfig', checkId: c.id, title: c.title, severity: c.severity, category: c.category, configType: type, path: h.path ?? path, line: h.line, message: h.message, fix: c.fix, aliases: [...c.aliases] };
      if (h.endLine !== undefined) f.endLine = h.endLine;
      if (h.resource !== undefined) f.resource = h.resource;
      return f;
    }),
  );
}

/** Parses every input and runs its type's checks; Kubernetes checks see all manifests at once. */
export function checkConfigs(inputs: readonly ConfigInput[], options: ConfigScanOptions): { findings: MisconfigFinding[]; problems: Problem[]; suppressions: Map<string, Suppressions> } {
  const findings: MisconfigFinding[] = [];
  const problems: Problem[] = [];
  const suppressions = new Map<string, Suppressions>();
  const manifests: K8sObject[] = [];
  for (const input of inputs) {
    const type = options.type ?? detectConfigType(input.path, input.text.slice(0, 65536));
    if (!type) continue;
    suppressions.set(input.path, Suppressions.of(input.text));
    if (type === 'dockerfile') findings.push(...runChecks([...DOCKERFILE_CHECKS, ...(options.custom?.dockerfile ?? [])], parseDockerfile(input.text, input.path), type, input.path, options));
    else if (type === 'kubernetes') {
      const parsed = parseManifests(input.text, input.path);
      manifests.push(...parsed.objects);
      problems.push(...parsed.problems);
    } else {
      const checks = [...(YAML_CHECKS[type] ?? []), ...(options.custom?.yaml[type] ?? [])];
      if (checks.length === 0) continue;
      const parsed = parseYamlFile(input.text, input.path);
      problems.push(...parsed.problems);
      if (parsed.file) findings.push(...runChecks(checks, parsed.file, type, input.path, options));
    }
  }
  if (manifests.length > 0) findings.push(...runChecks([...KUBERNETES_CHECKS, ...(options.custom?.kubernetes ?? [])], manifests, 'kubernetes', '', options));
  return { findings, problems, suppressions };
}

/** Inline suppressions, then the ignore file, then the severity filter; returns what stays. */
export function applyMisconfigPolicy(
  findings: readonly MisconfigFinding[],
  suppressions: ReadonlyMap<string, Suppressions>,
  options: ConfigScanOptions,
  active: readonly IgnoreRule[] = activeIgnoreRules({ ignoreRules: options.ignoreRules ?? [], ...(options.now ? { now: options.now } : {}) }).active,
): { kept: MisconfigFinding[]; suppressed: { finding: MisconfigFinding; by: string; reason: string }[] } {
  const kept: MisconfigFinding[] = [];
  const suppressed: { finding: MisconfigFinding; by: string; reason: string }[] = [];
  for (const f of findings) {
    const inFile = suppressions.get(f.path);
    const inline = inFile?.find(f.checkId, f.line) ?? f.aliases.map((a) => inFile?.find(a, f.line)).find(Boolean);
    const rule = active.find((r) => (r.id === f.checkId || f.aliases.includes(r.id)) && (r.path === undefined || f.path === r.path || f.path.startsWith(`${r.path.replace(/\/+$/, '')}/`)));
    if (inline) suppressed.push({ finding: f, by: 'inline', reason: inline.reason || 'bulwark:ignore comment' });
    else if (rule) suppressed.push({ finding: f, by: 'ignorefile', reason: rule.reason ?? 'listed in the ignore file' });
    else if (options.severities?.length && !options.severities.includes(f.severity)) suppressed.push({ finding: f, by: 'severity', reason: `severity ${f.severity} not selected` });
    else kept.push(f);
  }
  return { kept, suppressed };
}

export function scanConfigInputs(inputs: readonly ConfigInput[], options: ConfigScanOptions, name: string): ScanReport {
  const started = performance.now();
  const problems: Problem[] = [];
  const kept: MisconfigFinding[] = [];
  const suppressed: NonNullable<ScanReport['suppressedMisconfigurations']> = [];
  const { active, problems: expired } = activeIgnoreRules({ ignoreRules: options.ignoreRules ?? [], ...(options.now ? { now: options.now } : {}) }, options.ignoreFile);
  problems.push(...expired);
  const result = checkConfigs(inputs, options);
  problems.push(...result.problems);
  const policy = applyMisconfigPolicy(result.findings, result.suppressions, options, active);
  kept.push(...policy.kept);
  suppressed.push(...policy.suppressed);
  const order: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];
  kept.sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line || order.indexOf(a.severity) - order.indexOf(b.severity) || a.checkId.localeCompare(b.checkId));
  const report: ScanReport = {
    schemaVersion: 1,
    tool: { name: 'bulwark', version: TOOL_VERSION },
    createdAt: new Date().toISOString(),
    artifact: { kind: 'config', name, format: 'config', layers: [] },
    packages: [],
    misconfigurations: kept,
    problems,
    timings: { totalMs: Math.round(performance.now() - started) },
  };
  if (suppressed.length > 0) report.suppressedMisconfigurations = suppressed;
  return report;
}

/** Reads the files under `paths` and scans them. */
export function scanConfigPaths(paths: readonly string[], options: ConfigScanOptions): ScanReport {
  const problems: Problem[] = [];
  const inputs: ConfigInput[] = [];
  for (const file of collectConfigFiles(paths, problems)) {
    try {
      const buf = readFileSync(file);
      if (buf.length > MAX_CONFIG_FILE) {
        problems.push({ level: 'warning', code: 'SKIPPED_FILE', input: file, message: `skipped: ${buf.length} bytes is over the ${MAX_CONFIG_FILE}-byte limit for configuration files` });
        continue;
      }
      if (buf.subarray(0, 8000).includes(0)) continue;
      inputs.push({ path: file, text: buf.toString('utf8') });
    } catch (err) {
      problems.push({ level: 'warning', code: 'UNREADABLE_FILE', input: file, message: err instanceof Error ? err.message : String(err) });
    }
  }
  const report = scanConfigInputs(inputs, options, paths.join(' '));
  report.problems.unshift(...problems);
  return report;
}
