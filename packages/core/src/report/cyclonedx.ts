/**
 * CycloneDX 1.6 JSON through @cyclonedx/cyclonedx-library (so the document is built and
 * normalised by the reference implementation): the image or rootfs as metadata.component, the
 * OS as an operating-system component, every package as a library with purl, licences and
 * bulwark:* properties for layer provenance, and dependency edges image -> OS -> packages.
 */
import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import * as SPDX from '@cyclonedx/cyclonedx-library/SPDX';

// Sub-path imports: the package index also loads validation and contrib code we do not need.
const CDX = { Enums, Models, Serialize, Spec, SPDX };
import type { Package } from '../model/package.js';
import type { ScanReport } from '../model/report.js';
import { isSpdxExpression } from './licenses.js';

function licenses(pkg: Package): Models.LicenseRepository {
  const repo = new CDX.Models.LicenseRepository();
  const [only] = pkg.licenses;
  if (pkg.licenses.length === 1 && only && !CDX.SPDX.isSupportedSpdxId(only) && isSpdxExpression(only)) {
    repo.add(new CDX.Models.LicenseExpression(only));
    return repo;
  }
  for (const name of pkg.licenses) {
    repo.add(CDX.SPDX.isSupportedSpdxId(name) ? new CDX.Models.SpdxLicense(name) : new CDX.Models.NamedLicense(name));
  }
  return repo;
}

function properties(pkg: Package): Models.PropertyRepository {
  const repo = new CDX.Models.PropertyRepository();
  const add = (name: string, value: string | number | undefined): void => {
    if (value !== undefined && value !== '') repo.add(new CDX.Models.Property(`bulwark:${name}`, String(value)));
  };
  add('package:type', pkg.type);
  add('package:arch', pkg.arch);
  add('package:epoch', pkg.epoch);
  add('source:name', pkg.sourceName);
  add('source:version', pkg.sourceVersion);
  add('source:epoch', pkg.sourceEpoch);
  add('layer:index', pkg.layer?.index);
  add('layer:diffId', pkg.layer?.diffId);
  add('layer:digest', pkg.layer?.digest);
  add('package:source', pkg.source);
  add('package:relationship', pkg.relationship);
  if (pkg.dev) add('package:dev', 'true');
  for (const loc of pkg.locations) add('location', loc.path);
  for (const [k, v] of Object.entries(pkg.extra ?? {})) add(`package:${k}`, v);
  return repo;
}

const CDX_SEVERITY: Record<string, Enums.Vulnerability.Severity> = {
  CRITICAL: Enums.Vulnerability.Severity.Critical,
  HIGH: Enums.Vulnerability.Severity.High,
  MEDIUM: Enums.Vulnerability.Severity.Medium,
  LOW: Enums.Vulnerability.Severity.Low,
  UNKNOWN: Enums.Vulnerability.Severity.Unknown,
};

/** Findings as CycloneDX vulnerabilities, each affecting the component it was found in. */
function addVulnerabilities(bom: Models.Bom, report: ScanReport, components: Map<string, Models.Component>): void {
  const byId = new Map<string, Models.Vulnerability.Vulnerability>();
  for (const f of report.vulnerabilities ?? []) {
    const component = components.get(f.purl);
    if (!component) continue;
    let vuln = byId.get(f.id);
    if (!vuln) {
      vuln = new Models.Vulnerability.Vulnerability({ bomRef: `vuln:${f.id}`, id: f.id, ...(f.title ? { description: f.title } : {}) });
      vuln.ratings.add(new Models.Vulnerability.Rating({ severity: CDX_SEVERITY[f.severity] ?? Enums.Vulnerability.Severity.Unknown, ...(f.severitySource?.startsWith('cvss:') ? { vector: f.severitySource.slice(5) } : {}) }));
      for (const alias of f.aliases) vuln.references.add(new Models.Vulnerability.Reference(alias, new Models.Vulnerability.Source({ name: alias.split('-')[0] ?? alias })));
      if (f.fixedVersion) vuln.recommendation = `Upgrade to ${f.fixedVersion}`;
      bom.vulnerabilities.add(vuln);
      byId.set(f.id, vuln);
    }
    vuln.affects.add(new Models.Vulnerability.Affect(component.bomRef));
  }
}

export function renderCycloneDx(report: ScanReport): string {
  const bom = new CDX.Models.Bom();
  bom.metadata.timestamp = new Date(report.createdAt);
  bom.metadata.tools.components.add(
    new CDX.Models.Component(CDX.Enums.ComponentType.Application, report.tool.name, { version: report.tool.version, group: 'bulwark' }),
  );
  const a = report.artifact;
  const rootProps = new CDX.Models.PropertyRepository();
  if (a.image?.imageId) rootProps.add(new CDX.Models.Property('bulwark:image:id', a.image.imageId));
  if (a.image?.manifestDigest) rootProps.add(new CDX.Models.Property('bulwark:image:manifestDigest', a.image.manifestDigest));
  for (const tag of a.image?.repoTags ?? []) rootProps.add(new CDX.Models.Property('bulwark:image:repoTag', tag));
  for (const l of a.layers) rootProps.add(new CDX.Models.Property('bulwark:image:diffId', l.diffId));
  const root = new CDX.Models.Component(a.kind === 'container-image' ? CDX.Enums.ComponentType.Container : CDX.Enums.ComponentType.File, a.name, {
    bomRef: 'artifact',
    properties: rootProps,
  });
  bom.metadata.component = root;

  let parent = root;
  if (report.os) {
    const os = new CDX.Models.Component(CDX.Enums.ComponentType.OperatingSystem, report.os.family, {
      bomRef: 'os',
      version: report.os.version,
      description: report.os.prettyName,
    });
    bom.components.add(os);
    root.dependencies.add(os.bomRef);
    parent = os;
  }
  const seen = new Map<string, Models.Component>();
  for (const pkg of report.packages) {
    if (seen.has(pkg.purl)) continue;
    const component = new CDX.Models.Component(CDX.Enums.ComponentType.Library, pkg.name, {
      bomRef: pkg.purl,
      version: pkg.version,
      purl: pkg.purl,
      licenses: licenses(pkg),
      properties: properties(pkg),
      ...(pkg.maintainer ? { supplier: new CDX.Models.OrganizationalEntity({ name: pkg.maintainer }) } : {}),
    });
    bom.components.add(component);
    seen.set(pkg.purl, component);
    // OS packages hang off the OS; language packages off the artifact unless another package pulls them in.
    if (['deb', 'apk', 'rpm'].includes(pkg.type)) parent.dependencies.add(component.bomRef);
  }
  const pulledIn = new Set(report.packages.flatMap((p) => p.dependsOn ?? []));
  for (const pkg of report.packages) {
    const component = seen.get(pkg.purl);
    if (!component) continue;
    for (const dep of pkg.dependsOn ?? []) {
      const target = seen.get(dep);
      if (target) component.dependencies.add(target.bomRef);
    }
    if (!['deb', 'apk', 'rpm'].includes(pkg.type) && (!pulledIn.has(pkg.purl) || pkg.relationship === 'root')) root.dependencies.add(component.bomRef);
  }
  addVulnerabilities(bom, report, seen);
  const serializer = new CDX.Serialize.JsonSerializer(new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot6));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}
