/**
 * Ignore-file rules and severity filters for secret and malware findings. A rule's `id` names
 * a secret rule id, a secret fingerprint or a malware signature; `path` narrows it to a file
 * (or a directory prefix); expired rules stop applying.
 */
import type { MalwareFinding, SecretFinding } from '../model/content-finding.js';
import { activeIgnoreRules, type PolicyOptions } from './suppression.js';

export interface SuppressedContent {
  finding: SecretFinding | MalwareFinding;
  by: 'severity' | 'ignorefile';
  reason: string;
}

function pathCovered(rulePath: string | undefined, path: string): boolean {
  if (rulePath === undefined) return true;
  const wanted = `/${rulePath.replace(/^\/+/, '').replace(/\/+$/, '')}`;
  const outer = path.split('!/')[0] as string;
  return outer === wanted || outer.startsWith(`${wanted}/`) || path === rulePath;
}

export function applyContentPolicy(
  secrets: readonly SecretFinding[],
  malware: readonly MalwareFinding[],
  options: PolicyOptions,
): { secrets: SecretFinding[]; malware: MalwareFinding[]; suppressed: SuppressedContent[] } {
  const rules = activeIgnoreRules(options).active;
  const suppressed: SuppressedContent[] = [];
  const keep = <T extends SecretFinding | MalwareFinding>(f: T, ids: string[]): boolean => {
    if (options.severities?.length && !options.severities.includes(f.severity)) {
      suppressed.push({ finding: f, by: 'severity', reason: `severity ${f.severity} not selected` });
      return false;
    }
    const rule = rules.find((r) => ids.includes(r.id) && pathCovered(r.path, f.path));
    if (rule) {
      suppressed.push({ finding: f, by: 'ignorefile', reason: rule.reason ?? 'listed in the ignore file' });
      return false;
    }
    return true;
  };
  return {
    secrets: secrets.filter((s) => keep(s, [s.ruleId, s.fingerprint])),
    malware: malware.filter((m) => keep(m, [m.signature, m.sha256])),
    suppressed,
  };
}
