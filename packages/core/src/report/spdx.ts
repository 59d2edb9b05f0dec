/**
 * SPDX 2.3 JSON: one package for the artifact, one for the OS, one per package (purl as a
 * PACKAGE-MANAGER external ref), DESCRIBES/CONTAINS/DEPENDS_ON relationships, and non-SPDX
 * licence names declared as LicenseRef- entries.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Package } from '../model/package.js';
import type { ScanReport } from '../model/report.js';
import { isSpdxExpression, licenseRef } from './licenses.js';

interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  downloadLocation: string;
  filesAnalyzed: boolean;
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: string;
  supplier?: string;
  sourceInfo?: string;
  primaryPackagePurpose?: string;
  externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
  annotations?: { annotationDate: string; annotationType: string; annotator: string; comment: string }[];
}

function spdxId(kind: string, key: string): string {
  return `SPDXRef-${kind}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

function declared(pkg: Package, refs: Map<string, string>): string {
  if (pkg.licenses.length === 0) return 'NOASSERTION';
  const parts = pkg.licenses.map((l) => {
    if (isSpdxExpression(l)) return pkg.licenses.length > 1 && /\s/.test(l) ? `(${l})` : l;
    const id = licenseRef(l);
    refs.set(id, l);
    return id;
  });
  return parts.join(' AND ');
}

function supplier(pkg: Package): string | undefined {
  if (!pkg.maintainer) return undefined;
  return `Organization: ${pkg.maintainer.replace(/\s+/g, ' ').trim()}`;
}

export function renderSpdx(report: ScanReport): string {
  const created = report.createdAt.replace(/\.\d{3}Z$/, 'Z');
  const a = report.artifact;
  const refs = new Map<string, string>();
  const rootId = 'SPDXRef-Artifact';
  const packages: SpdxPackage[] = [
    {
      SPDXID: rootId,
      name: a.name,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      primaryPackagePurpose: a.kind === 'container-image' ? 'CONTAINER' : 'OTHER',
      ...(a.image?.imageId ? { versionInfo: a.image.imageId } : {}),
    },
  ];
  const relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[] = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: rootId },
  ];
  let parent = rootId;
  if (report.os) {
    const osId = 'SPDXRef-OperatingSystem';
    packages.push({
      SPDXID: osId,
      name: report.os.family,
      versionInfo: report.os.version,
      downloadLocation: 'NONE',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      primaryPackagePurpose: 'OPERATING-SYSTEM',
    });
    relationships.push({ spdxElementId: rootId, relationshipType: 'CONTAINS', relatedSpdxElement: osId });
    parent = osId;
  }
  const seen = new Set<string>();
  for (const pkg of report.packages) {
    if (seen.has(pkg.purl)) continue;
    seen.add(pkg.purl);
    const id = spdxId('Package', pkg.purl);
    const sp: SpdxPackage = {
      SPDXID: id,
      name: pkg.name,
      versionInfo: pkg.version,
      downloadLocation: 'NONE',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: declared(pkg, refs),
      copyrightText: 'NOASSERTION',
      primaryPackagePurpose: 'LIBRARY',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: pkg.purl }],
    };
    const sup = supplier(pkg);
    if (sup) sp.supplier = sup;
    if (pkg.sourceName) sp.sourceInfo = `built from ${pkg.type} source package ${pkg.sourceName} ${pkg.sourceVersion ?? ''}`.trim();
    if (pkg.layer) {
      sp.annotations = [{ annotationDate: created, annotationType: 'OTHER', annotator: `Tool: bulwark-${report.tool.version}`, comment: `layer ${pkg.layer.index} ${pkg.layer.diffId}` }];
    }
    packages.push(sp);
    relationships.push({ spdxElementId: rootId, relationshipType: 'CONTAINS', relatedSpdxElement: id });
    if (parent !== rootId && ['deb', 'apk', 'rpm'].includes(pkg.type)) relationships.push({ spdxElementId: parent, relationshipType: 'DEPENDS_ON', relatedSpdxElement: id });
  }
  const ids = new Set(packages.map((p) => p.SPDXID));
  for (const pkg of report.packages) {
    for (const dep of pkg.dependsOn ?? []) {
      const from = spdxId('Package', pkg.purl);
      const to = spdxId('Package', dep);
      if (ids.has(to) && from !== to) relationships.push({ spdxElementId: from, relationshipType: 'DEPENDS_ON', relatedSpdxElement: to });
    }
  }
  const doc = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: a.name,
    documentNamespace: `https://bulwark.invalid/spdxdocs/${encodeURIComponent(a.name.replace(/[^A-Za-z0-9._-]+/g, '-'))}-${randomUUID()}`,
    creationInfo: { created, creators: [`Tool: bulwark-${report.tool.version}`] },
    packages,
    relationships,
    ...(refs.size > 0
      ? { hasExtractedLicensingInfos: [...refs].map(([licenseId, name]) => ({ licenseId, name, extractedText: `The package declares the licence "${name}", which is not on the SPDX licence list.` })) }
      : {}),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
