/**
 * Advisory feeds that state affected versions as constraint strings: the Node.js Security WG
 * npm set (`vulnerable_versions` / `patched_versions`), RubySec (`patched_versions`,
 * `unaffected_versions`) and the GitLab advisory database (`affected_range`, npm and Maven).
 */
import { normalizeSeverity, type Advisory } from '../advisory.js';
import { severityFromScore } from '../../match/cvss.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

export function nodeWgToAdvisory(r: Record<string, unknown>): Advisory | undefined {
  const name = str(r.module_name);
  if (!name || r.id === undefined) return undefined;
  const cves = strings(r.cves);
  const vector = str(r.cvss_vector);
  const a: Advisory = {
    id: `NSWG-ECO-${String(r.id)}`,
    aliases: cves,
    cvss: vector?.startsWith('CVSS:') ? [{ version: vector.slice(5, 8), vector }] : [],
    references: strings(r.references),
    affected: [{ namespace: 'npm', package: name, data: { kind: 'constraints', vulnerable: strings(r.vulnerable_versions), patched: strings(r.patched_versions).filter((p) => p !== '<0.0.0'), unaffected: [] } }],
  };
  const title = str(r.title);
  if (title) a.summary = title;
  const published = str(r.publish_date) ?? str(r.created_at);
  if (published) a.published = published;
  return a;
}

export function rubySecToAdvisory(r: Record<string, unknown>): Advisory | undefined {
  const gem = str(r.gem);
  if (!gem) return undefined;
  const cve = str(r.cve) ? `CVE-${String(r.cve)}` : undefined;
  const ghsa = str(r.ghsa) ? `GHSA-${String(r.ghsa)}` : undefined;
  const osvdb = r.osvdb !== undefined ? `OSVDB-${String(r.osvdb)}` : undefined;
  const ids = [cve, ghsa, osvdb].filter((x): x is string => x !== undefined);
  const id = ids[0];
  if (!id) return undefined;
  const a: Advisory = {
    id,
    aliases: ids.slice(1),
    cvss: [],
    references: strings(r.url),
    affected: [{ namespace: 'gem', package: gem, data: { kind: 'constraints', vulnerable: [], patched: strings(r.patched_versions), unaffected: strings(r.unaffected_versions) } }],
  };
  const title = str(r.title);
  if (title) a.summary = title;
  const severity = normalizeSeverity(r.criticality) ?? (typeof r.cvss_v3 === 'number' ? severityFromScore(r.cvss_v3) : undefined);
  if (severity && severity !== 'UNKNOWN') {
    a.severity = severity;
    a.vendorSeverity = { 'ruby-advisory-db': severity };
  }
  const date = str(r.date);
  if (date) a.published = date;
  return a;
}

export function gitlabToAdvisory(r: Record<string, unknown>): Advisory | undefined {
  const slug = str(r.package_slug);
  const id = str(r.identifier);
  const range = str(r.affected_range);
  if (!slug || !id || range === undefined) return undefined;
  const [type, ...rest] = slug.split('/');
  let namespace: string;
  let name: string;
  if (type === 'npm') [namespace, name] = ['npm', rest.join('/')];
  else if (type === 'maven' && rest.length >= 2) [namespace, name] = ['maven', `${rest.slice(0, -1).join('.')}:${rest[rest.length - 1]}`];
  else if (type === 'pypi') [namespace, name] = ['pypi', rest.join('/').toLowerCase().replace(/[-_.]+/g, '-')];
  else if (type === 'gem') [namespace, name] = ['gem', rest.join('/')];
  else return undefined;
  const vector = str(r.cvss_v3);
  const a: Advisory = {
    id,
    aliases: strings(r.identifiers).filter((x) => x !== id),
    cvss: vector?.startsWith('CVSS:') ? [{ version: vector.slice(5, 8), vector }] : [],
    references: strings(r.urls),
    affected: [{ namespace, package: name, data: { kind: 'constraints', vulnerable: [range], patched: strings(r.fixed_versions).map((v) => (type === 'maven' ? `[${v},)` : `>=${v}`)), unaffected: [] } }],
  };
  const title = str(r.title);
  if (title) a.summary = title;
  const published = str(r.pubdate);
  if (published) a.published = published;
  return a;
}
