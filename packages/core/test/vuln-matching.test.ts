import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cvss3BaseScore, severityFromScore } from '../src/vuln/match/cvss.js';
import { cvss4BaseScore } from '../src/vuln/match/cvss4.js';
import { evaluateOsv } from '../src/vuln/match/osv-ranges.js';
import { matchVulnerabilities, osNamespace } from '../src/vuln/match/matcher.js';
import { AdvisoryStore } from '../src/vuln/db/store.js';
import { readAdvisorySource } from '../src/vuln/db/importers/read-source.js';
import { npmScheme, goScheme } from '../src/vuln/version/semver-schemes.js';
import type { Package } from '../src/model/package.js';

describe('CVSS v3 base scores (FIRST examples)', () => {
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8, 'CRITICAL'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1, 'MEDIUM'],
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N', 6.5, 'MEDIUM'],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N', 5.5, 'MEDIUM'],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N', 5.9, 'MEDIUM'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10, 'CRITICAL'],
    ['CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N', 0, 'UNKNOWN'],
  ])('%s = %s', (vector, score, severity) => {
    expect(cvss3BaseScore(vector)).toBe(score);
    expect(severityFromScore(score)).toBe(severity);
  });
  it('rejects what it cannot score', () => {
    expect(cvss3BaseScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toBeUndefined();
    expect(cvss3BaseScore('CVSS:3.1/AV:X')).toBeUndefined();
  });
});

describe('CVSS v4.0 base scores (values as GitHub advisories and the FIRST calculator show them)', () => {
  it.each([
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3, 'CRITICAL'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N', 8.7, 'HIGH'],
    ['CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 8.5, 'HIGH'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N', 7.1, 'HIGH'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N', 5.1, 'MEDIUM'],
    // Threat metrics do not change the base (CVSS-B) score.
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U', 9.3, 'CRITICAL'],
  ])('%s = %s', (vector, score, severity) => {
    expect(cvss4BaseScore(vector)).toBe(score);
    expect(severityFromScore(score)).toBe(severity);
  });
  it('rejects incomplete or invalid vectors instead of scoring them 0', () => {
    expect(cvss4BaseScore('CVSS:4.0/AV:N/AC:L')).toBeUndefined();
    expect(cvss4BaseScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:Q')).toBeUndefined();
    expect(cvss4BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBeUndefined();
  });
});

describe('OSV range evaluation', () => {
  const range = (...events: Record<string, string>[]) => [{ type: 'SEMVER', events }];
  it.each([
    ['1.5.0', range({ introduced: '0' }, { fixed: '1.6.0' }), true, '1.6.0'],
    ['1.6.0', range({ introduced: '0' }, { fixed: '1.6.0' }), false, undefined],
    ['0.9.0', range({ introduced: '1.0.0' }, { fixed: '1.6.0' }), false, undefined],
    ['2.1.0', range({ introduced: '1.0.0' }, { fixed: '1.6.0' }, { introduced: '2.0.0' }, { fixed: '2.2.0' }), true, '2.2.0'],
    ['1.7.0', range({ introduced: '1.0.0' }, { fixed: '1.6.0' }, { introduced: '2.0.0' }, { fixed: '2.2.0' }), false, undefined],
    ['1.2.0', range({ introduced: '0' }, { last_affected: '1.2.0' }), true, undefined],
    ['1.2.1', range({ introduced: '0' }, { last_affected: '1.2.0' }), false, undefined],
    ['1.0.0-rc.1', range({ introduced: '0' }, { fixed: '1.0.0' }), true, '1.0.0'],
  ])('%s in %j → %s', (v, ranges, affected, fixed) => {
    const verdict = evaluateOsv(v, ranges, [], npmScheme);
    expect(verdict.affected).toBe(affected);
    expect(verdict.fixed).toBe(fixed);
  });
  it('explicit version lists', () => {
    expect(evaluateOsv('v1.2.3', [], ['v1.2.3'], goScheme).affected).toBe(true);
    expect(evaluateOsv('v1.2.4', [], ['v1.2.3'], goScheme).affected).toBe(false);
  });
});

function pkg(p: Partial<Package> & Pick<Package, 'type' | 'name' | 'version' | 'purl'>): Package {
  return { licenses: [], locations: [{ path: '/x' }], files: [], ...p };
}

describe('matching against an imported store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-vuln-'));
  writeFileSync(join(dir, 'main.json'), JSON.stringify({ distroversion: 'v3.10', packages: [{ pkg: { name: 'openssl', secfixes: { '1.1.1d-r0': ['CVE-2019-1547'], '0': ['CVE-2000-0001'] } } }] }));
  writeFileSync(
    join(dir, 'osv.jsonl'),
    [
      { id: 'GHSA-aaaa-bbbb-cccc', aliases: ['CVE-2024-0001'], summary: 'prototype pollution', database_specific: { severity: 'MODERATE' }, affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] }] },
      { id: 'CVE-2024-0001', aliases: ['GHSA-aaaa-bbbb-cccc'], severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }], affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] }] },
      { id: 'PYSEC-1', affected: [{ package: { ecosystem: 'PyPI', name: 'Flask_Login' }, versions: ['0.6.2'] }] },
    ]
      .map((x) => JSON.stringify(x))
      .join('\n'),
  );
  const store = AdvisoryStore.open(join(dir, 'db.sqlite'));
  for (const f of ['main.json', 'osv.jsonl']) {
    const s = readAdvisorySource(join(dir, f));
    store.importSource({ name: s.name, format: s.format, origin: f }, s.advisories);
  }

  it('OS packages: own release feed, by source package; "0" entries never match', () => {
    const os = { family: 'alpine', version: '3.10.1', source: 'etc/alpine-release' };
    expect(osNamespace(os)).toBe('alpine:3.10');
    const found = matchVulnerabilities([pkg({ type: 'apk', name: 'libcrypto1.1', sourceName: 'openssl', version: '1.1.1c-r0', purl: 'pkg:apk/alpine/libcrypto1.1@1.1.1c-r0' })], os, store);
    expect(found.map((f) => [f.id, f.fixedVersion, f.status])).toEqual([['CVE-2019-1547', '1.1.1d-r0', 'fixed']]);
    expect(matchVulnerabilities([pkg({ type: 'apk', name: 'libcrypto1.1', sourceName: 'openssl', version: '1.1.1c-r0', purl: 'x' })], { ...os, version: '3.11.5' }, store)).toEqual([]);
  });

  it('language packages: aliases merged, CVE id preferred, vendor severity first', () => {
    const found = matchVulnerabilities([pkg({ type: 'npm', name: 'lodash', version: '4.17.15', purl: 'pkg:npm/lodash@4.17.15' })], undefined, store);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ id: 'CVE-2024-0001', aliases: ['GHSA-aaaa-bbbb-cccc'], fixedVersion: '4.17.21', status: 'fixed', severity: 'MEDIUM' });
    expect(matchVulnerabilities([pkg({ type: 'npm', name: 'lodash', version: '4.17.21', purl: 'p' })], undefined, store)).toEqual([]);
  });

  it('PyPI names match through PEP 503 normalisation; a version list without a fix is "affected"', () => {
    const found = matchVulnerabilities([pkg({ type: 'pypi', name: 'flask-login', version: '0.6.2', purl: 'pkg:pypi/flask-login@0.6.2' })], undefined, store);
    expect(found.map((f) => [f.id, f.status])).toEqual([['PYSEC-1', 'affected']]);
  });

  it('status() reports the sources and counts', () => {
    const status = store.status();
    expect(status.schema).toBe(2);
    expect(status.sources.map((s) => s.format).sort()).toEqual(['alpine-secdb', 'osv']);
    expect(status.advisories).toBe(4);
  });
});

describe('which name and version an OS feed is matched on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-vuln-src-'));
  const store = AdvisoryStore.open(join(dir, 'db.sqlite'));
  store.importSource({ name: 'test', format: 'test', origin: 'test' }, [
    { id: 'CVE-2019-5094', aliases: [], cvss: [], references: [], affected: [{ namespace: 'debian:9', package: 'e2fsprogs', data: { kind: 'fixed', fixed: '1.43.4-2+b0' } }] },
  ]);
  it('Debian: looked up by source package, compared on the source version (binNMU +b1 ignored)', () => {
    const os = { family: 'debian', version: '9.9', source: 'etc/debian_version' };
    const binNmu = pkg({ type: 'deb', name: 'libcomerr2', version: '1.43.4-2+b1', sourceName: 'e2fsprogs', sourceVersion: '1.43.4-2', purl: 'pkg:deb/debian/libcomerr2@1.43.4-2%2Bb1' });
    expect(matchVulnerabilities([binNmu], os, store).map((f) => [f.packageName, f.id, f.installedVersion, f.fixedVersion])).toEqual([['libcomerr2', 'CVE-2019-5094', '1.43.4-2+b1', '1.43.4-2+b0']]); // the binary version alone (+b1 > +b0) would say fixed
  });
});

describe('constraint lists (Node WG, RubySec, GitLab, Trivy fixtures)', async () => {
  const { isVulnerable, fixedText, satisfies } = await import('../src/vuln/match/constraints.js');
  const { rubygemsScheme } = await import('../src/vuln/version/rubygems.js');
  const { mavenScheme } = await import('../src/vuln/version/maven.js');
  const lists = (vulnerable: string[], patched: string[] = [], unaffected: string[] = []) => ({ vulnerable, patched, unaffected });
  it.each([
    ['npm: >= with space, partial versions', npmScheme, '4.19.2', lists(['<3.11 || >= 4 <4.5'], ['>= 3.11 <4 || >= 4.5']), false],
    ['npm: inside the range', npmScheme, '4.4.0', lists(['<3.11 || >= 4 <4.5'], ['>= 3.11 <4 || >= 4.5']), true],
    ['npm: a pre-release before the fix is vulnerable', npmScheme, '1.2.3-beta.1', lists(['<1.2.3']), true],
    ['gem: patched only, ammonia-style', rubygemsScheme, '1.9.0', lists([], ['>= 2.1.0', '>= 1.10.0, < 2.0.0']), true],
    ['gem: pessimistic ~>', rubygemsScheme, '5.2.4.4', lists([], ['~> 5.2.4.3', '>= 6.0.3.1']), false],
    ['gem: unaffected range wins', rubygemsScheme, '1.6.1', lists([], ['= 1.6.0', '>= 1.6.3'], ['>= 1.6.0, < 1.6.2']), false],
    ['maven: GitLab range [2.9.0,2.9.10.7)', mavenScheme, '2.9.1', lists(['[2.9.0,2.9.10.7)']), true],
    ['maven: (,1.4]', mavenScheme, '1.4', lists(['(,1.4]']), true],
    ['maven: boundary excluded', mavenScheme, '2.9.10.7', lists(['[2.9.0,2.9.10.7)']), false],
    ['boundary patched version is safe (mix.lock case)', rubygemsScheme, '1.6.14', lists(['<= 1.6.14'], ['1.6.14']), false],
  ])('%s', (_name, scheme, version, l, want) => {
    expect(isVulnerable(version, l, scheme)).toBe(want);
  });
  it('fixed text: patched list, else the < bounds', () => {
    expect(fixedText(lists(['< 3.4.0']))).toBe('3.4.0');
    expect(fixedText(lists(['>= 2.0.0, <= 2.9.10.3'], ['>= 2.9.10.4']))).toBe('>= 2.9.10.4');
    expect(satisfies('2.0', '[1.0]', mavenScheme)).toBe(false);
  });
});
