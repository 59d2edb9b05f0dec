/**
 * What happens to findings after matching: severity and status filters, ignore-file entries
 * (with expiry) and VEX `not_affected` statements. Suppressed findings are kept, with the
 * reason, so reports can show what was hidden and why.
 */
import type { Severity, VulnerabilityFinding } from '../model/finding.js';
import type { Problem } from '../model/problem.js';

export interface Suppressed {
  finding: VulnerabilityFinding;
  by: 'severity' | 'status' | 'ignorefile' | 'vex';
  reason: string;
}

export interface IgnoreRule {
  id: string;
  purl?: string;
  path?: string;
  reason?: string;
  /** ISO date (YYYY-MM-DD); the rule stops applying after it. */
  expires?: string;
}

export interface VexStatement {
  vulnerability: string;
  /** purls (or purl prefixes without a version) the statement covers; empty = every product. */
  products: string[];
  status: 'not_affected' | 'affected' | 'fixed' | 'under_investigation';
  justification?: string;
  source: string;
}

export interface PolicyOptions {
  severities?: readonly Severity[];
  ignoreUnfixed?: boolean;
  ignoreRules?: readonly IgnoreRule[];
  vex?: readonly VexStatement[];
  /** "Today" for expiry checks (tests pin it). */
  now?: Date;
}

export interface PolicyResult {
  findings: VulnerabilityFinding[];
  suppressed: Suppressed[];
  problems: Problem[];
}

const purlBase = (purl: string): string => purl.replace(/[?#].*$/, '').replace(/@[^@/]*$/, '');

function purlMatches(rule: string, purl: string): boolean {
  const r = rule.replace(/[?#].*$/, '');
  const p = purl.replace(/[?#].*$/, '');
  return r === p || (!r.slice(r.lastIndexOf('/')).includes('@') && r === purlBase(purl));
}

function pathMatches(path: string, f: VulnerabilityFinding): boolean {
  const wanted = `/${path.replace(/^\/+/, '')}`;
  return f.locations.some((l) => l.path === wanted || l.path.startsWith(`${wanted}!/`));
}

function names(f: VulnerabilityFinding): string[] {
  return [f.id, ...f.aliases];
}

/** The ignore rules still in force today, and a warning for each expired one. */
export function activeIgnoreRules(options: PolicyOptions, ignoreFile?: string): { active: IgnoreRule[]; problems: Problem[] } {
  const today = (options.now ?? new Date()).toISOString().slice(0, 10);
  const problems: Problem[] = [];
  const active: IgnoreRule[] = [];
  for (const rule of options.ignoreRules ?? []) {
    if (rule.expires && rule.expires < today) {
      problems.push({ level: 'warning', code: 'SKIPPED_FILE', input: ignoreFile ?? 'ignore file', message: `ignore rule for ${rule.id} expired on ${rule.expires} and no longer applies` });
    } else active.push(rule);
  }
  return { active, problems };
}

export function applyPolicy(findings: readonly VulnerabilityFinding[], options: PolicyOptions, ignoreFile?: string): PolicyResult {
  const { active: activeRules, problems } = activeIgnoreRules(options, ignoreFile);
  const kept: VulnerabilityFinding[] = [];
  const suppressed: Suppressed[] = [];
  for (const f of findings) {
    if (options.severities && options.severities.length > 0 && !options.severities.includes(f.severity)) {
      suppressed.push({ finding: f, by: 'severity', reason: `severity ${f.severity} not selected` });
      continue;
    }
    if (options.ignoreUnfixed && f.status !== 'fixed') {
      suppressed.push({ finding: f, by: 'status', reason: `status ${f.status} (--ignore-unfixed)` });
      continue;
    }
    const rule = activeRules.find((r) => names(f).includes(r.id) && (!r.purl || purlMatches(r.purl, f.purl)) && (r.path === undefined || pathMatches(r.path, f)));
    if (rule) {
      suppressed.push({ finding: f, by: 'ignorefile', reason: rule.reason ?? 'listed in the ignore file' });
      continue;
    }
    const vex = (options.vex ?? []).find((s) => names(f).includes(s.vulnerability) && (s.products.length === 0 || s.products.some((p) => purlMatches(p, f.purl))));
    if (vex?.status === 'not_affected') {
      suppressed.push({ finding: f, by: 'vex', reason: `not_affected${vex.justification ? ` (${vex.justification})` : ''} per ${vex.source}` });
      continue;
    }
    kept.push(f);
  }
  return { findings: kept, suppressed, problems };
}
