/**
 * Test-only adapter: loads the advisory fixtures of Trivy's integration tests
 * (../shared/data/conformance/trivy/advisories/*.yaml, BoltDB buckets as YAML) into Bulwark's
 * advisory store, resolving severity the way that corpus's README describes (package-specific
 * severity, then the bucket's data source, then GHSA, then NVD, then the plain field).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Advisory, AffectedData } from '../../packages/core/src/vuln/db/advisory.js';
import { packageKey } from '../../packages/core/src/vuln/db/importers/osv.js';
import type { AdvisoryStore } from '../../packages/core/src/vuln/db/store.js';
import type { Severity } from '../../packages/core/src/model/finding.js';

interface Bucket {
  bucket?: string;
  key?: string;
  value?: Record<string, unknown> | null;
  pairs?: Bucket[];
}

const SEVERITY: Severity[] = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const STATUS: Record<number, 'affected' | 'will_not_fix' | 'end_of_life'> = { 2: 'affected', 5: 'will_not_fix', 7: 'end_of_life' };
const LANG: Record<string, string> = { npm: 'npm', pip: 'pypi', composer: 'composer', nuget: 'nuget', conan: 'conan', erlang: 'hex', go: 'golang', maven: 'maven', pub: 'pub', rubygems: 'gem', cargo: 'cargo', swift: 'swift', cocoapods: 'cocoapods', k8s: 'k8s' };
/** OS families whose unfixed records Trivy reports. */
const REPORTS_UNFIXED = new Set(['debian', 'ubuntu', 'alpine', 'cbl-mariner']);

/** Trivy bucket → Bulwark namespace. */
function namespaceOf(bucket: string): string | undefined {
  const lang = /^([a-z0-9]+)::/.exec(bucket)?.[1];
  if (lang) return LANG[lang];
  const m = /^(alpine|debian|ubuntu) (\S+)$/.exec(bucket);
  if (m) return `${m[1]}:${m[2]}`;
  const mariner = /^CBL-Mariner (\S+)$/.exec(bucket);
  if (mariner) return `cbl-mariner:${mariner[1]}`;
  const rpmFamilies: [RegExp, string][] = [
    [/^alma (\d+)$/, 'alma'],
    [/^rocky (\d+)$/, 'rocky'],
    [/^Oracle Linux (\d+)$/, 'oracle'],
    [/^amazon linux (\d+)$/, 'amazon'],
    [/^Photon OS (\S+)$/, 'photon'],
    [/^openSUSE Leap (\S+)$/, 'opensuse-leap'],
  ];
  for (const [re, family] of rpmFamilies) {
    const hit = re.exec(bucket);
    if (hit) return `${family}:${hit[1]}`;
  }
  if (bucket === 'openSUSE Tumbleweed') return 'opensuse-tumbleweed';
  return undefined;
}

export function loadTrivyFixtures(dir: string, store: AdvisoryStore): number {
  const read = (f: string): Bucket[] => parseYaml(readFileSync(join(dir, f), 'utf8')) as Bucket[];
  const vulnDetails = new Map<string, Record<string, unknown>>();
  for (const b of read('vulnerability.yaml')) for (const p of b.pairs ?? []) if (p.key && p.value) vulnDetails.set(p.key, p.value);
  const dataSource = new Map<string, string>();
  for (const b of read('data-source.yaml')) for (const p of b.pairs ?? []) if (p.key) dataSource.set(p.key, String((p.value as { ID?: string })?.ID ?? ''));
  let count = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml') && !['vulnerability.yaml', 'data-source.yaml', 'cpe.yaml'].includes(f))) {
    for (const top of read(file)) {
      const bucket = top.bucket ?? '';
      const namespace = namespaceOf(bucket);
      if (!namespace) continue;
      const family = namespace.split(':')[0] as string;
      const isLang = bucket.includes('::');
      const advisories: Advisory[] = [];
      for (const pkgBucket of top.pairs ?? []) {
        for (const pair of pkgBucket.pairs ?? []) {
          const id = pair.key;
          if (!id || !pkgBucket.bucket) continue;
          const v = pair.value ?? {};
          let data: AffectedData | undefined;
          if (isLang) {
            const list = (k: string): string[] => ((v[k] as string[] | undefined) ?? []).map(String);
            data = { kind: 'constraints', vulnerable: list('VulnerableVersions'), patched: list('PatchedVersions'), unaffected: list('UnaffectedVersions') };
          } else if (typeof v.FixedVersion === 'string' && v.FixedVersion) {
            data = { kind: 'fixed', fixed: v.FixedVersion };
          } else if (REPORTS_UNFIXED.has(family)) {
            data = { kind: 'unfixed', status: STATUS[Number(v.Status ?? 0)] ?? 'affected' };
          }
          if (!data) continue;
          const details = vulnDetails.get(id) ?? {};
          const vendor = (details.VendorSeverity ?? {}) as Record<string, number>;
          const source = dataSource.get(bucket);
          const sev =
            typeof v.Severity === 'number'
              ? v.Severity
              : source && vendor[source] !== undefined
                ? vendor[source]
                : id.startsWith('GHSA-') && vendor.ghsa !== undefined
                  ? vendor.ghsa
                  : vendor.nvd !== undefined
                    ? vendor.nvd
                    : SEVERITY.indexOf(String(details.Severity ?? 'UNKNOWN') as Severity);
          const advisory: Advisory = { id, aliases: [], cvss: [], references: [], affected: [{ namespace, package: packageKey(namespace, pkgBucket.bucket), data }] };
          const severity = SEVERITY[Math.max(0, Math.round(Number(sev)))];
          if (severity && severity !== 'UNKNOWN') advisory.severity = severity;
          // Every rater's severity, for vulnSeveritySources (Trivy's --vuln-severity-source).
          const raters = Object.entries(vendor).filter(([, n]) => SEVERITY[Number(n)] !== undefined);
          if (raters.length > 0) advisory.vendorSeverity = Object.fromEntries(raters.map(([k, n]) => [k, SEVERITY[Number(n)] as Severity]));
          if (typeof details.Title === 'string') advisory.summary = details.Title;
          advisories.push(advisory);
        }
      }
      // One source per bucket: severity depends on the bucket's data source.
      store.importSource({ name: `trivy-fixture:${bucket}`, format: 'trivy-fixture', origin: file }, advisories);
      count += advisories.length;
    }
  }
  return count;
}
