/**
 * SBOM outputs validate against their specifications: CycloneDX 1.6 with the validator of
 * @cyclonedx/cyclonedx-library, SPDX 2.3 with the SPDX JSON schema (test/fixtures/spdx).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as CDX from '@cyclonedx/cyclonedx-library';
import Ajv2019 from 'ajv/dist/2019.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, renderReport, scanImage, type ScanReport } from '../packages/core/src/index.js';

const IMAGES = resolve(import.meta.dirname, 'fixtures/images');
let debian: ScanReport;
let alpine: ScanReport;

beforeAll(async () => {
  debian = await scanImage(join(IMAGES, 'debian-10-buster-nginx.docker.tar'), { limits: DEFAULT_LIMITS });
  alpine = await scanImage(join(IMAGES, 'alpine-3.12.0.oci.tar'), { limits: DEFAULT_LIMITS });
});

describe('CycloneDX 1.6', () => {
  it.each(['debian', 'alpine'])('%s validates and lists every package with purl and layer', async (which) => {
    const report = which === 'debian' ? debian : alpine;
    const text = await renderReport(report, 'cyclonedx');
    const validator = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6);
    expect(await validator.validate(text)).toBeNull();
    const bom = JSON.parse(text) as { specVersion: string; components: { type: string; purl?: string; properties?: { name: string; value: string }[] }[]; dependencies: { ref: string; dependsOn?: string[] }[] };
    expect(bom.specVersion).toBe('1.6');
    const libs = bom.components.filter((c) => c.type === 'library');
    expect(libs).toHaveLength(report.packages.length);
    expect(libs.every((c) => c.purl && c.properties?.some((p) => p.name === 'bulwark:layer:diffId'))).toBe(true);
    expect(bom.components.find((c) => c.type === 'operating-system')).toBeDefined();
    expect(bom.dependencies.find((d) => d.ref === 'os')?.dependsOn).toHaveLength(report.packages.length);
  });

  it('the validator rejects a broken BOM (the check can fail)', async () => {
    const bom = JSON.parse(await renderReport(alpine, 'cyclonedx')) as { components: Record<string, unknown>[] };
    delete bom.components[0]?.name;
    const validator = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6);
    expect(await validator.validate(JSON.stringify(bom))).not.toBeNull();
  });
});

describe('SPDX 2.3', () => {
  const schema = JSON.parse(readFileSync(resolve(import.meta.dirname, 'fixtures/spdx/spdx-schema-2.3.json'), 'utf8')) as object;
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);

  it.each(['debian', 'alpine'])('%s validates against the SPDX schema', async (which) => {
    const report = which === 'debian' ? debian : alpine;
    const doc = JSON.parse(await renderReport(report, 'spdx-json')) as { packages: { SPDXID: string; externalRefs?: unknown[]; licenseDeclared: string }[]; hasExtractedLicensingInfos?: { licenseId: string }[] };
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(doc.packages).toHaveLength(report.packages.length + 2);
    expect(new Set(doc.packages.map((p) => p.SPDXID)).size).toBe(doc.packages.length);
    // Every LicenseRef used is declared.
    const declared = new Set((doc.hasExtractedLicensingInfos ?? []).map((l) => l.licenseId));
    for (const p of doc.packages) for (const ref of p.licenseDeclared.match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []) expect(declared.has(ref)).toBe(true);
  });

  it('the schema rejects a broken document (the check can fail)', async () => {
    const doc = JSON.parse(await renderReport(alpine, 'spdx-json')) as { packages: Record<string, unknown>[] };
    (doc.packages[1] as Record<string, unknown>).SPDXID = 'not an id';
    expect(validate(doc)).toBe(false);
  });
});
