/**
 * SBOM in: a CycloneDX JSON document (Bulwark's, Trivy's, Syft's…) becomes an inventory —
 * every component with a purl is a package, the operating-system component is the OS — so it
 * can be matched like a scanned image. Source packages come from the purl's `upstream`
 * qualifier or the producer's properties (bulwark:source:*, aquasecurity:trivy:Src*).
 */
import { readFileSync, statSync } from 'node:fs';
import { PackageURL } from 'packageurl-js';
import { BulwarkError } from '../model/errors.js';
import type { OsInfo, Package, PackageType } from '../model/package.js';
import type { ScanReport } from '../model/report.js';
import { buildReport } from './report-builder.js';
import type { ScanOptions } from './scan-options.js';

const MAX_SBOM = 256 * 1024 * 1024;
const TYPES = new Set<string>(['deb', 'apk', 'rpm', 'npm', 'pypi', 'golang', 'maven', 'gem', 'cargo', 'composer', 'nuget', 'conan', 'hex', 'pub', 'swift', 'cocoapods', 'k8s']);

interface CdxComponent {
  type?: string;
  name?: string;
  version?: string;
  purl?: string;
  properties?: { name?: string; value?: string }[];
  components?: CdxComponent[];
}

export function isCycloneDxJson(path: string): boolean {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > MAX_SBOM) return false;
    const head = readFileSync(path).subarray(0, 4096).toString('utf8');
    return /"bomFormat"\s*:\s*"CycloneDX"/.test(head);
  } catch {
    return false;
  }
}

function nameFromPurl(p: PackageURL): string {
  const ns = p.namespace;
  if (!ns) return p.name;
  if (p.type === 'maven') return `${ns}:${p.name}`;
  if (p.type === 'npm' || p.type === 'golang' || p.type === 'composer' || p.type === 'swift') return `${ns}/${p.name}`;
  return p.name;
}

function toPackage(c: CdxComponent): Package | undefined {
  if (!c.purl) return undefined;
  let p: PackageURL;
  try {
    p = PackageURL.fromString(c.purl);
  } catch {
    return undefined;
  }
  if (!TYPES.has(p.type) || !p.version) return undefined;
  const props = new Map((c.properties ?? []).map((x) => [x.name ?? '', x.value ?? '']));
  const q = p.qualifiers ?? {};
  const epoch = q.epoch && q.epoch !== '0' ? Number(q.epoch) : undefined;
  const version = epoch ? `${epoch}:${p.version}` : p.version;
  const pkg: Package = { type: p.type as PackageType, name: nameFromPurl(p), version, licenses: [], purl: c.purl, locations: [{ path: `sbom:${c.purl}` }], files: [] };
  if (epoch) pkg.epoch = epoch;
  if (q.arch) pkg.arch = q.arch;
  const srcName = props.get('bulwark:source:name') ?? props.get('aquasecurity:trivy:SrcName') ?? q.upstream?.replace(/\.(?:no)?src\.rpm$/, '');
  const srcVersion = props.get('bulwark:source:version') ?? props.get('aquasecurity:trivy:SrcVersion');
  if (srcName) pkg.sourceName = srcName;
  if (srcVersion) pkg.sourceVersion = srcVersion;
  const srcEpoch = props.get('bulwark:source:epoch') ?? props.get('aquasecurity:trivy:SrcEpoch');
  if (srcEpoch && srcEpoch !== '0') pkg.sourceEpoch = Number(srcEpoch);
  return pkg;
}

export async function scanSbom(path: string, options: ScanOptions): Promise<ScanReport> {
  const started = performance.now();
  const name = options.name ?? path;
  let doc: { bomFormat?: string; metadata?: { component?: CdxComponent }; components?: CdxComponent[] };
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as typeof doc;
  } catch (err) {
    throw new BulwarkError('MALFORMED_MANIFEST', name, `not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (doc.bomFormat !== 'CycloneDX') throw new BulwarkError('UNKNOWN_FORMAT', name, 'not a CycloneDX JSON document');
  const all: CdxComponent[] = [];
  const walk = (list: CdxComponent[] | undefined): void => {
    for (const c of list ?? []) {
      all.push(c);
      walk(c.components);
    }
  };
  walk(doc.components);
  const osComponent = all.find((c) => c.type === 'operating-system' && c.name && c.name !== 'none');
  let os: OsInfo | undefined;
  if (osComponent?.name) {
    const family = osComponent.name.toLowerCase();
    os = { family, version: osComponent.version ?? '', source: 'sbom' };
    // Debian/Ubuntu SBOMs give point releases (10.1); their feeds are keyed by the release.
    if (family === 'ubuntu' && osComponent.version) os.versionId = osComponent.version;
  }
  const packages = all.map(toPackage).filter((p): p is Package => p !== undefined);
  const seen = new Set<string>();
  const unique = packages.filter((p) => (seen.has(p.purl) ? false : (seen.add(p.purl), true)));
  return buildReport({
    kind: 'sbom',
    name,
    format: 'cyclonedx',
    layers: [],
    inventory: { os, packages: unique },
    problems: [],
    ...(options.advisories ? { advisories: options.advisories } : {}),
    ...(options.severitySources ? { severitySources: options.severitySources } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    timings: { totalMs: Math.round(performance.now() - started), peakRssKiB: process.resourceUsage().maxRSS },
  });
}
