/**
 * Vulnerability scanning end to end through the CLI: `db import` of the real Alpine secdb and
 * GHSA records from ../shared/data/advisories, `db status`, then image scans whose findings are
 * checked against the raw advisory records.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';

const ADVISORIES = resolve(import.meta.dirname, '../../shared/data/advisories');
const IMAGES = resolve(import.meta.dirname, '../../shared/data/images');

describe('vulnerability scanning (CLI)', () => {
  it('asking for vuln scanning without a database is one clear error', () => {
    const run = runCli(['image', resolve(import.meta.dirname, 'fixtures/images/alpine-3.14.9.containerd.oci.tar'), '--scanners', 'vuln', '-q']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/no advisory database here; import advisories first with `bulwark db import PATH…`/);
  });

  it.skipIf(!existsSync(ADVISORIES) || !existsSync(IMAGES))('imports real feeds and finds what the raw records say', () => {
    const imp = runCli(['db', 'import', join(ADVISORIES, 'alpine/secdb/v3.10'), join(ADVISORIES, 'npm/ghsa-subset')]);
    expect(imp.status).toBe(0);
    expect(imp.stderr).toMatch(/imported \d+ advisories from .*v3\.10 as alpine-secdb:secdb\/v3\.10/);
    const status = runCli(['db', 'status', '-f', 'json'], { home: imp.home });
    const s = JSON.parse(status.stdout) as { schema: number; sources: { name: string; records: number }[] };
    expect(s.schema).toBe(2);
    expect(s.sources.map((x) => x.name).sort()).toEqual(['alpine-secdb:secdb/v3.10', 'osv:ghsa-subset']);

    const scan = runCli(['image', join(IMAGES, 'alpine-3.10.1-4layers.docker.tar'), '-f', 'json', '-q'], { home: imp.home });
    expect(scan.status).toBe(0);
    const report = JSON.parse(scan.stdout) as { vulnerabilities: { id: string; packageName: string; installedVersion: string; fixedVersion?: string; status: string }[] };
    // The raw record: v3.10/main.json, openssl secfixes "1.1.1d-r0": [CVE-2019-1547, …]; the image has 1.1.1c-r0.
    const secdb = JSON.parse(readFileSync(join(ADVISORIES, 'alpine/secdb/v3.10/main.json'), 'utf8')) as { packages: { pkg: { name: string; secfixes: Record<string, string[]> } }[] };
    const opensslFixes = secdb.packages.find((p) => p.pkg.name === 'openssl')?.pkg.secfixes ?? {};
    const fixedIn = Object.entries(opensslFixes).find(([, ids]) => ids.includes('CVE-2019-1547'))?.[0];
    expect(fixedIn).toBe('1.1.1d-r0');
    for (const name of ['libcrypto1.1', 'libssl1.1']) {
      expect(report.vulnerabilities.find((v) => v.packageName === name && v.id === 'CVE-2019-1547')).toMatchObject({ installedVersion: '1.1.1c-r0', fixedVersion: fixedIn, status: 'fixed' });
    }
    // Every finding traces back to a secfixes entry newer than what is installed.
    expect(report.vulnerabilities.length).toBeGreaterThan(20);

    const npm = runCli(['image', join(IMAGES, 'npm-goof-node-modules.alpine-3.19.oci.tar'), '-f', 'json', '-q'], { home: imp.home });
    const npmReport = JSON.parse(npm.stdout) as { vulnerabilities: { id: string; packageName: string; aliases: string[] }[] };
    const express = npmReport.vulnerabilities.filter((v) => v.packageName === 'express');
    // GHSA-qw6h-vgh9-j6wx (fixed 4.20.0) matches express 4.19.2; GHSA-rv95-896h-c2vc (fixed in 4.19.2) must not.
    expect(express.map((v) => [v.id, v.aliases])).toEqual([['CVE-2024-43796', ['GHSA-qw6h-vgh9-j6wx']]]);
  });
});

describe('Debian OVAL end to end', () => {
  const oval = join(ADVISORIES, 'debian/oval/oval-definitions-buster.xml.gz');
  it.skipIf(!existsSync(oval) || !existsSync(IMAGES))('the nginx (Debian 10) image against the buster OVAL', () => {
    const imp = runCli(['db', 'import', oval]);
    expect(imp.status).toBe(0);
    const scan = runCli(['image', join(IMAGES, 'debian-10-buster-nginx.docker.tar'), '-f', 'json', '-q'], { home: imp.home });
    const report = JSON.parse(scan.stdout) as { vulnerabilities: { id: string; packageName: string; installedVersion: string; fixedVersion?: string }[] };
    // Raw record: definition "CVE-2019-5094 e2fsprogs", dpkginfo e2fsprogs less than 0:1.44.5-1+deb10u2.
    // Reported on every binary built from e2fsprogs, each with its own installed version.
    const hits = report.vulnerabilities.filter((v) => v.id === 'CVE-2019-5094').map((v) => `${v.packageName}@${v.installedVersion}<${v.fixedVersion}`).sort();
    expect(hits).toEqual(['e2fsprogs@1.44.5-1+deb10u1<1.44.5-1+deb10u2', 'libcom-err2@1.44.5-1+deb10u1<1.44.5-1+deb10u2', 'libext2fs2@1.44.5-1+deb10u1<1.44.5-1+deb10u2', 'libss2@1.44.5-1+deb10u1<1.44.5-1+deb10u2']);
    expect(report.vulnerabilities.length).toBeGreaterThan(50);
  }, 60_000);
});

describe('CI gate', () => {
  it.skipIf(!existsSync(ADVISORIES) || !existsSync(IMAGES))('--exit-code fires only when findings remain after filters and ignore rules', () => {
    const imp = runCli(['db', 'import', join(ADVISORIES, 'alpine/secdb/v3.10')]);
    const image = join(IMAGES, 'alpine-3.10.1-4layers.docker.tar');
    expect(runCli(['image', image, '--exit-code', '7', '-q'], { home: imp.home }).status).toBe(7);
    // Nothing is rated CRITICAL in secdb alone (no vendor severity): the gate stays open.
    expect(runCli(['image', image, '--exit-code', '7', '--severity', 'CRITICAL', '-q'], { home: imp.home }).status).toBe(0);
    const bad = runCli(['image', image, '--severity', 'SEVERE', '-q'], { home: imp.home });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--severity: unknown severity 'SEVERE'/);
  }, 60_000);
});

describe('--vuln-severity-source', () => {
  it.skipIf(!existsSync(ADVISORIES) || !existsSync(IMAGES))('takes severity only from the listed raters, else UNKNOWN', () => {
    const imp = runCli(['db', 'import', join(ADVISORIES, 'npm/ghsa-subset')]);
    const image = join(IMAGES, 'npm-goof-node-modules.alpine-3.19.oci.tar');
    const sev = (extra: string[]): string[] => (JSON.parse(runCli(['image', image, '-f', 'json', '-q', ...extra], { home: imp.home }).stdout) as { vulnerabilities: { id: string; severity: string; severitySource?: string }[] }).vulnerabilities.map((v) => `${v.id} ${v.severity} ${v.severitySource ?? ''}`).sort();
    const byDefault = sev([]);
    expect(byDefault.length).toBeGreaterThan(3);
    expect(byDefault.every((l) => !l.includes(' UNKNOWN'))).toBe(true);
    expect(sev(['--vuln-severity-source', 'nvd,ghsa'])).toEqual(byDefault.map((l) => l.replace(/ osv:ghsa-subset$/, ' ghsa')));
    expect(sev(['--vuln-severity-source', 'nvd']).every((l) => / UNKNOWN $/.test(l))).toBe(true);
  }, 60_000);
});

describe('vulnerability reports', () => {
  it.skipIf(!existsSync(ADVISORIES) || !existsSync(IMAGES))('CycloneDX with vulnerabilities and SARIF validate against their schemas; JUnit is well-formed XML; HTML is self-contained', async () => {
    const CDX = await import('@cyclonedx/cyclonedx-library');
    const { XMLParser } = await import('fast-xml-parser');
    const imp = runCli(['db', 'import', join(ADVISORIES, 'npm/ghsa-subset'), join(ADVISORIES, 'alpine/secdb/v3.19')]);
    const image = join(IMAGES, 'npm-goof-node-modules.alpine-3.19.oci.tar');
    const cdx = runCli(['image', image, '-f', 'cyclonedx', '-q'], { home: imp.home });
    expect(await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(cdx.stdout)).toBeNull();
    const bom = JSON.parse(cdx.stdout) as { vulnerabilities: { id: string; affects: { ref: string }[]; ratings: { severity: string }[] }[] };
    expect(bom.vulnerabilities.find((v) => v.id === 'CVE-2024-43796')).toMatchObject({ affects: [{ ref: 'pkg:npm/express@4.19.2' }], ratings: [{ severity: 'medium' }] });

    const junit = runCli(['image', image, '-f', 'junit', '-q'], { home: imp.home });
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(junit.stdout) as { testsuites: { tests: string; failures: string } };
    expect(Number(xml.testsuites.tests)).toBeGreaterThan(70);
    expect(Number(xml.testsuites.failures)).toBeGreaterThan(5);
    expect(junit.stdout).toMatch(/<failure type="MEDIUM" message="CVE-2024-43796 MEDIUM, fixed in 4\.20\.0">/);

    const sarif = runCli(['image', image, '-f', 'sarif', '-q'], { home: imp.home });
    const { default: AjvDraft4 } = await import('ajv-draft-04');
    const schema = JSON.parse(readFileSync(resolve(import.meta.dirname, 'fixtures/sarif/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
    const validateSarif = new AjvDraft4({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false }).compile(schema);
    const log = JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; level: string }[] }[] };
    expect(validateSarif(log), JSON.stringify(validateSarif.errors?.slice(0, 3))).toBe(true);
    expect(log.runs[0]?.results.find((r) => r.ruleId === 'CVE-2024-43796')?.level).toBe('warning');
    (log.runs[0] as unknown as { results: unknown }).results = 'not a list';
    expect(validateSarif(log)).toBe(false);

    const html = runCli(['image', image, '-f', 'html', '-q'], { home: imp.home });
    expect(html.stdout).toMatch(/^<!doctype html>/);
    expect(html.stdout).toMatch(/<svg [^>]*aria-label="vulnerabilities by severity"/);
    expect(html.stdout).toMatch(/<h3>express@4\.19\.2<\/h3>/);
    expect(html.stdout).not.toMatch(/<script|<link |src="http/);
  }, 60_000);
});

describe('SBOM in', () => {
  it.skipIf(!existsSync(ADVISORIES) || !existsSync(IMAGES))('an image, its Bulwark SBOM and Trivy\'s SBOM of it give the same findings', () => {
    const imp = runCli(['db', 'import', join(ADVISORIES, 'alpine/secdb/v3.10')]);
    const image = join(IMAGES, 'alpine-3.10.1-4layers.docker.tar');
    const findings = (stdout: string): string[] =>
      (JSON.parse(stdout) as { vulnerabilities: { packageName: string; id: string; installedVersion: string; fixedVersion?: string }[] }).vulnerabilities.map((v) => `${v.packageName} ${v.id} ${v.installedVersion} ${v.fixedVersion ?? ''}`).sort();
    const direct = findings(runCli(['image', image, '-f', 'json', '-q'], { home: imp.home }).stdout);
    expect(direct.length).toBeGreaterThan(20);
    runCli(['sbom', image, '--scanners', 'none', '-q', '-o', 'own.cdx.json'], { home: imp.home });
    const own = runCli(['sbom', join(imp.home, 'own.cdx.json'), '-f', 'json', '-q'], { home: imp.home });
    expect(findings(own.stdout)).toEqual(direct);
    const trivy = runCli(['sbom', resolve(import.meta.dirname, 'fixtures/sbom/trivy-alpine-3.10.1.cdx.json'), '-f', 'json', '-q'], { home: imp.home });
    expect(findings(trivy.stdout)).toEqual(direct);
  }, 60_000);
});
