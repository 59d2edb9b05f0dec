/**
 * Secrets in the image config: environment variables, labels, entrypoint/command and the
 * build history (`created_by`, where `ARG`/`RUN` lines leak tokens). Each field is scanned
 * as its own small text so findings name the field, e.g. `config.Env[3]`.
 */
import type { ImageConfig } from '../artifact/image-source.js';
import type { SecretFinding } from '../model/content-finding.js';
import type { ScanReport } from '../model/report.js';
import { SECRET_RULES } from './secret/registry.js';
import { SecretScanner } from './secret/secret-scanner.js';

const RULES = new Map(SECRET_RULES.map((r) => [r.id, r]));

export function configSecrets(config: ImageConfig, scanner: SecretScanner = new SecretScanner()): SecretFinding[] {
  const fields: [string, string][] = [];
  const c = config.config ?? {};
  (c.Env ?? []).forEach((e, i) => fields.push([`config.Env[${i}]`, e]));
  for (const [k, v] of Object.entries(c.Labels ?? {})) fields.push([`config.Labels.${k}`, `${k}=${v}`]);
  if (c.Entrypoint?.length) fields.push(['config.Entrypoint', c.Entrypoint.join(' ')]);
  if (c.Cmd?.length) fields.push(['config.Cmd', c.Cmd.join(' ')]);
  (config.history ?? []).forEach((h, i) => {
    if (h.created_by) fields.push([`history[${i}].created_by`, h.created_by]);
  });
  const out: SecretFinding[] = [];
  for (const [field, text] of fields) {
    for (const hit of scanner.scanText(text, field)) {
      const rule = RULES.get(hit.rule);
      out.push({
        kind: 'secret',
        ruleId: hit.rule,
        category: rule?.category ?? 'Generic',
        title: hit.title ?? rule?.title ?? hit.rule,
        severity: hit.severity ?? rule?.severity ?? 'HIGH',
        source: 'image-config',
        path: field,
        line: hit.line,
        column: hit.column,
        match: hit.match,
        fingerprint: hit.fingerprint,
        inFinalFilesystem: true,
      });
    }
  }
  return out;
}

/** Config fields holding a secret, so reports can blank them: `config.Env[1]` → rule id. */
export function configRedactions(secrets: readonly SecretFinding[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of secrets) if (s.source === 'image-config') out.set(s.path, s.ruleId);
  return out;
}

/** Replaces config values that hold a secret with a marker, so no report repeats the secret. */
export function redactConfig(report: ScanReport, redactions: ReadonlyMap<string, string>): void {
  const config = report.artifact.image?.config;
  const marker = (rule: string): string => `<redacted: ${rule}>`;
  if (config?.env) {
    config.env = config.env.map((e, i) => {
      const rule = redactions.get(`config.Env[${i}]`);
      return rule ? `${e.split('=')[0] ?? ''}=${marker(rule)}` : e;
    });
  }
  if (config?.labels) for (const k of Object.keys(config.labels)) {
    const rule = redactions.get(`config.Labels.${k}`);
    if (rule) config.labels[k] = marker(rule);
  }
  for (const field of ['Entrypoint', 'Cmd'] as const) {
    const rule = redactions.get(`config.${field}`);
    if (rule && config) config[field === 'Entrypoint' ? 'entrypoint' : 'cmd'] = [marker(rule)];
  }
  // History entries map onto layers by position among non-empty entries; blank every layer
  // description that repeats a leaking command.
  const leaking = [...redactions.keys()].filter((k) => k.startsWith('history['));
  if (leaking.length > 0) for (const layer of report.artifact.layers) if (layer.createdBy) layer.createdBy = marker('history');
}
