/**
 * Reads the policy inputs users write: `.bulwarkignore` (YAML list of rules, or `{ ignore: [...] }`)
 * and VEX documents (OpenVEX JSON, CycloneDX VEX JSON). Bad files are typed errors naming them.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { BulwarkError } from '../model/errors.js';
import type { IgnoreRule, VexStatement } from './suppression.js';

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new BulwarkError('INPUT_NOT_FOUND', path, `cannot read: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function readIgnoreFile(path: string): IgnoreRule[] {
  let doc: unknown;
  try {
    doc = parseYaml(readText(path));
  } catch (err) {
    throw new BulwarkError('MALFORMED_MANIFEST', path, `not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const list = Array.isArray(doc) ? doc : (doc as { ignore?: unknown } | null)?.ignore;
  if (doc === null || doc === undefined) return [];
  if (!Array.isArray(list)) throw new BulwarkError('MALFORMED_MANIFEST', path, 'expected a list of rules (each with an id)');
  return list.map((raw, i) => {
    const r = raw as Record<string, unknown>;
    if (typeof r?.id !== 'string' || r.id === '') throw new BulwarkError('MALFORMED_MANIFEST', path, `rule ${i + 1} has no id`);
    const rule: IgnoreRule = { id: r.id };
    if (typeof r.purl === 'string') rule.purl = r.purl;
    if (typeof r.path === 'string') rule.path = r.path;
    if (typeof r.reason === 'string') rule.reason = r.reason;
    const expires = r.expires instanceof Date ? r.expires.toISOString().slice(0, 10) : r.expires;
    if (expires !== undefined) {
      if (typeof expires !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(expires)) throw new BulwarkError('MALFORMED_MANIFEST', path, `rule ${i + 1} (${r.id}): expires must be a date (YYYY-MM-DD)`);
      rule.expires = expires;
    }
    return rule;
  });
}

const STATUSES = new Set(['not_affected', 'affected', 'fixed', 'under_investigation']);

export function readVex(path: string): VexStatement[] {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(readText(path)) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof BulwarkError) throw err;
    throw new BulwarkError('MALFORMED_MANIFEST', path, `not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (Array.isArray(doc.statements)) {
    // OpenVEX
    return (doc.statements as Record<string, unknown>[]).flatMap((s) => {
      const vuln = s.vulnerability as { name?: string; '@id'?: string } | string | undefined;
      const name = typeof vuln === 'string' ? vuln : vuln?.name ?? vuln?.['@id'];
      const status = String(s.status ?? '');
      if (!name || !STATUSES.has(status)) return [];
      const products = ((s.products as ({ '@id'?: string } | string)[] | undefined) ?? []).map((p) => (typeof p === 'string' ? p : p['@id'] ?? '')).filter((p) => p.startsWith('pkg:'));
      const st: VexStatement = { vulnerability: name, products, status: status as VexStatement['status'], source: path };
      if (typeof s.justification === 'string') st.justification = s.justification;
      return [st];
    });
  }
  if (doc.bomFormat === 'CycloneDX' && Array.isArray(doc.vulnerabilities)) {
    const states: Record<string, VexStatement['status']> = { not_affected: 'not_affected', false_positive: 'not_affected', resolved: 'fixed', exploitable: 'affected', in_triage: 'under_investigation' };
    return (doc.vulnerabilities as Record<string, unknown>[]).flatMap((v) => {
      const analysis = v.analysis as { state?: string; justification?: string } | undefined;
      const status = states[analysis?.state ?? ''];
      if (typeof v.id !== 'string' || !status) return [];
      const products = ((v.affects as { ref?: string }[] | undefined) ?? []).map((a) => a.ref ?? '').filter((r) => r.startsWith('pkg:'));
      const st: VexStatement = { vulnerability: v.id, products, status, source: path };
      if (analysis?.justification) st.justification = analysis.justification;
      return [st];
    });
  }
  throw new BulwarkError('UNKNOWN_FORMAT', path, 'neither an OpenVEX document nor CycloneDX VEX');
}
