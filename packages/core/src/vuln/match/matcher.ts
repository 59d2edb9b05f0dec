/**
 * Matches an inventory against the advisory store. OS packages are looked up only in their
 * own distribution release's feed, by source package; language packages in their ecosystem's
 * OSV-style data. Findings for advisories that alias each other (GHSA ↔ CVE) on the same
 * package are merged into one. Severity: the vendor's word first, else computed from CVSS v3.
 */
import type { Severity, VulnerabilityFinding } from '../../model/finding.js';
import type { OsInfo, Package } from '../../model/package.js';
import type { AdvisoryStore } from '../db/store.js';
import { packageKey } from '../db/importers/osv.js';
import { SCHEME_BY_TYPE } from '../version/registry.js';
import { cvss3BaseScore, severityFromScore } from './cvss.js';
import { cvss4BaseScore } from './cvss4.js';
import { fixedText, isVulnerable } from './constraints.js';
import { evaluateOsv } from './osv-ranges.js';

const OS_TYPES = new Set(['deb', 'apk', 'rpm']);
const SEVERITY_ORDER: Severity[] = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** The feed namespace for an OS release: alpine:3.10, debian:10, ubuntu:22.04 … */
export function osNamespace(os: OsInfo | undefined): string | undefined {
  if (!os) return undefined;
  const v = os.versionId ?? os.version;
  const major = v.split('.')[0] ?? v;
  switch (os.family) {
    case 'alpine':
      return `alpine:${os.version.split('.').slice(0, 2).join('.')}`;
    case 'debian':
    case 'oracle':
    case 'rocky':
      return `${os.family}:${major}`;
    case 'alma':
    case 'almalinux':
      return `alma:${major}`;
    case 'amazon': {
      // Amazon Linux 2 / 2022 / 2023 by major; the old "AMI release 2018.03" line is 1.
      const m = /(\d+)/.exec(v)?.[1] ?? '';
      return `amazon:${['2', '2022', '2023'].includes(m) ? m : '1'}`;
    }
    case 'opensuse-tumbleweed':
      return 'opensuse-tumbleweed';
    default:
      return `${os.family}:${v}`;
  }
}

/**
 * Debian, Ubuntu, Alpine, Mariner and Photon key advisories by source package; the Red Hat
 * family, Amazon and SUSE by binary package.
 */
function lookedUpBySource(pkg: Package, os: OsInfo | undefined): boolean {
  if (pkg.type !== 'rpm') return true;
  return ['cbl-mariner', 'azurelinux', 'photon'].includes(os?.family ?? '');
}

/** Source-keyed feeds are compared on the source version (dpkg binNMUs differ); others on the binary. */
function comparedVersion(pkg: Package, bySource: boolean): string {
  if (pkg.type === 'golang' && !pkg.version.startsWith('v')) return `v${pkg.version}`;
  if (pkg.type === 'deb' && bySource && pkg.sourceVersion) return pkg.sourceEpoch ? `${pkg.sourceEpoch}:${pkg.sourceVersion}` : pkg.sourceVersion;
  return pkg.version;
}

export interface MatchOptions {
  /**
   * `--vuln-severity-source`: take the severity from the first of these raters that rated the
   * vulnerability (ghsa, nvd, debian, ubuntu…), else UNKNOWN — instead of the default chain.
   */
  severitySources?: readonly string[];
}

function severityOf(store: AdvisoryStore, source: string, id: string, options: MatchOptions): { severity: Severity; from?: string; title?: string; references: string[]; aliases: string[] } {
  const v = store.vulnerability(source, id);
  if (!v) return { severity: 'UNKNOWN', references: [], aliases: [] };
  const base = { references: v.references, aliases: v.aliases, ...(v.summary ? { title: v.summary } : {}) };
  if (options.severitySources?.length) {
    const rater = options.severitySources.find((s) => v.vendorSeverity?.[s] !== undefined);
    return rater ? { ...base, severity: v.vendorSeverity?.[rater] as Severity, from: rater } : { ...base, severity: 'UNKNOWN' };
  }
  if (v.severity) return { ...base, severity: v.severity, from: source };
  for (const c of v.cvss) {
    const score = cvss3BaseScore(c.vector) ?? cvss4BaseScore(c.vector);
    if (score !== undefined) return { ...base, severity: severityFromScore(score), from: `cvss:${c.vector}` };
  }
  return { ...base, severity: 'UNKNOWN' };
}

export function matchVulnerabilities(packages: readonly Package[], os: OsInfo | undefined, store: AdvisoryStore, options: MatchOptions = {}): VulnerabilityFinding[] {
  const findings: VulnerabilityFinding[] = [];
  const osNs = osNamespace(os);
  for (const pkg of packages) {
    const scheme = SCHEME_BY_TYPE[pkg.type];
    if (!scheme) continue;
    const isOs = OS_TYPES.has(pkg.type);
    if (isOs && !osNs) continue;
    const namespace = isOs ? (osNs as string) : pkg.type;
    const bySource = isOs && lookedUpBySource(pkg, os);
    const name = !isOs ? packageKey(namespace, pkg.name) : bySource ? pkg.sourceName ?? pkg.name : pkg.name;
    const installed = comparedVersion(pkg, bySource);
    const perPackage: VulnerabilityFinding[] = [];
    for (const row of store.affected(namespace, name)) {
      let fixed: string | undefined;
      if (row.data.kind === 'fixed') {
        if (scheme.compare(installed, row.data.fixed) >= 0) continue;
        fixed = row.data.fixed;
      } else if (row.data.kind === 'constraints') {
        if (!isVulnerable(installed, row.data, scheme)) continue;
        fixed = fixedText(row.data);
      } else if (row.data.kind === 'osv') {
        const verdict = evaluateOsv(installed, row.data.ranges, row.data.versions, scheme);
        if (!verdict.affected) continue;
        fixed = verdict.fixed;
      }
      const meta = severityOf(store, row.source, row.vulnId, options);
      const status = fixed ? 'fixed' : row.data.kind === 'unfixed' ? row.data.status : 'affected';
      const finding: VulnerabilityFinding = {
        kind: 'vulnerability',
        id: row.vulnId,
        aliases: meta.aliases,
        packageName: pkg.name,
        packageType: pkg.type,
        purl: pkg.purl,
        installedVersion: pkg.version,
        status,
        severity: meta.severity,
        advisories: [`${row.source}:${row.vulnId}`],
        references: meta.references,
        locations: pkg.locations,
      };
      // A zero epoch (`0:8.2.4082-1.cm1`) means "no epoch"; show the version as packages print it.
      if (fixed) finding.fixedVersion = fixed.replace(/^0:/, '');
      if (meta.from) finding.severitySource = meta.from;
      if (meta.title) finding.title = meta.title;
      perPackage.push(finding);
    }
    findings.push(...mergeAliases(perPackage));
  }
  return findings.sort((a, b) => SEVERITY_ORDER.indexOf(b.severity) - SEVERITY_ORDER.indexOf(a.severity) || a.packageName.localeCompare(b.packageName) || a.id.localeCompare(b.id));
}

/** One finding per vulnerability on a package, whichever ids (CVE, GHSA, GO-…) name it. */
function mergeAliases(findings: VulnerabilityFinding[]): VulnerabilityFinding[] {
  const groups: VulnerabilityFinding[][] = [];
  for (const f of findings) {
    const names = new Set([f.id, ...f.aliases]);
    const group = groups.find((g) => g.some((x) => names.has(x.id) || x.aliases.some((a) => names.has(a))));
    if (group) group.push(f);
    else groups.push([f]);
  }
  return groups.map((g) => {
    const ids = [...new Set(g.flatMap((f) => [f.id, ...f.aliases]))];
    const id = ids.find((x) => x.startsWith('CVE-')) ?? ids.find((x) => x.startsWith('GHSA-')) ?? ids[0] ?? (g[0] as VulnerabilityFinding).id;
    // A vendor's rating beats a score computed from a CVSS vector; then the highest wins.
    const rank = (f: VulnerabilityFinding): number => (f.severitySource && !f.severitySource.startsWith('cvss:') ? 10 : f.severity === 'UNKNOWN' ? 0 : 5) + SEVERITY_ORDER.indexOf(f.severity);
    const best = [...g].sort((a, b) => rank(b) - rank(a))[0] as VulnerabilityFinding;
    const fixed = g.map((f) => f.fixedVersion).find((x) => x !== undefined);
    const merged: VulnerabilityFinding = { ...best, id, aliases: ids.filter((x) => x !== id).sort(), advisories: [...new Set(g.flatMap((f) => f.advisories))].sort(), references: [...new Set(g.flatMap((f) => f.references))] };
    if (fixed) {
      merged.fixedVersion = fixed;
      merged.status = 'fixed';
    }
    return merged;
  });
}
