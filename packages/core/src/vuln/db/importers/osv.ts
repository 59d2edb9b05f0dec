/**
 * OSV records (https://ossf.github.io/osv-schema/) → advisories: one affected entry per
 * (ecosystem, package), ranges and explicit version lists kept for the matcher, severity
 * from `database_specific.severity` (GHSA) and CVSS vectors from `severity[]`.
 */
import { pep503 } from '../../../analyze/lang/lang-package.js';
import { normalizeSeverity, type Advisory, type AffectedEntry, type OsvRange } from '../advisory.js';

/** OSV ecosystem → Bulwark namespace (language ecosystems by purl type, distros as family:release). */
export function osvNamespace(ecosystem: string): string | undefined {
  const [base = '', release] = ecosystem.split(':', 2);
  const map: Record<string, string> = { npm: 'npm', PyPI: 'pypi', Go: 'golang', 'crates.io': 'cargo', Maven: 'maven', RubyGems: 'gem', Packagist: 'composer', NuGet: 'nuget', Hex: 'hex', Pub: 'pub', SwiftURL: 'swift' };
  if (map[base]) return map[base];
  if (release && ['Debian', 'Alpine', 'Ubuntu'].includes(base)) return `${base.toLowerCase()}:${release.replace(/^v/, '')}`;
  return undefined;
}

/** How package names are keyed: PEP 503 for PyPI; NuGet and Composer names are case-insensitive. */
export function packageKey(namespace: string, name: string): string {
  if (namespace === 'pypi') return pep503(name);
  if (namespace === 'nuget' || namespace === 'composer') return name.toLowerCase();
  return name;
}

interface OsvRecord {
  id?: string;
  aliases?: string[];
  summary?: string;
  details?: string;
  published?: string;
  modified?: string;
  withdrawn?: string;
  severity?: { type?: string; score?: string }[];
  references?: { url?: string }[];
  database_specific?: { severity?: string };
  affected?: {
    package?: { ecosystem?: string; name?: string };
    ranges?: OsvRange[];
    versions?: string[];
    database_specific?: { severity?: string };
  }[];
}

export function osvToAdvisory(json: unknown): Advisory | undefined {
  const r = json as OsvRecord;
  if (!r || typeof r.id !== 'string' || !Array.isArray(r.affected) || r.withdrawn) return undefined;
  const affected: AffectedEntry[] = [];
  for (const a of r.affected) {
    const ns = a.package?.ecosystem ? osvNamespace(a.package.ecosystem) : undefined;
    if (!ns || !a.package?.name) continue;
    const ranges = (a.ranges ?? []).filter((x) => x.type === 'SEMVER' || x.type === 'ECOSYSTEM');
    const versions = a.versions ?? [];
    if (ranges.length === 0 && versions.length === 0) continue;
    affected.push({ namespace: ns, package: packageKey(ns, a.package.name), data: { kind: 'osv', ranges, versions } });
  }
  const advisory: Advisory = {
    id: r.id,
    aliases: (r.aliases ?? []).filter((x) => typeof x === 'string'),
    cvss: (r.severity ?? []).filter((s) => s.score?.startsWith('CVSS:')).map((s) => ({ version: (s.score as string).slice(5, 8), vector: s.score as string })),
    references: (r.references ?? []).map((x) => x.url).filter((u): u is string => typeof u === 'string'),
    affected,
  };
  const summary = r.summary ?? r.details?.split('\n')[0];
  if (summary) advisory.summary = summary.slice(0, 300);
  const severity = normalizeSeverity(r.database_specific?.severity ?? r.affected[0]?.database_specific?.severity);
  if (severity) {
    advisory.severity = severity;
    advisory.vendorSeverity = { [osvVendor(r.id)]: severity };
  }
  if (r.published) advisory.published = r.published;
  if (r.modified) advisory.modified = r.modified;
  return advisory;
}

/** Who rated an OSV record's `database_specific.severity`, by its id prefix. */
function osvVendor(id: string): string {
  const prefix = /^([A-Z]+)-/.exec(id)?.[1] ?? '';
  return { GHSA: 'ghsa', GO: 'go', PYSEC: 'osv', RUSTSEC: 'rustsec' }[prefix] ?? 'osv';
}
