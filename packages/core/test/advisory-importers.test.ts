import { describe, expect, it } from 'vitest';
import { ovalToAdvisories } from '../src/vuln/db/importers/oval.js';
import { gitlabToAdvisory, nodeWgToAdvisory, rubySecToAdvisory } from '../src/vuln/db/importers/constraint-feeds.js';
import { osvToAdvisory } from '../src/vuln/db/importers/osv.js';
import { secdbToAdvisories } from '../src/vuln/db/importers/alpine-secdb.js';

const DEBIAN_OVAL = `<?xml version='1.0'?><oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5">
<definitions>
<definition id="d1" class="vulnerability"><metadata><title>CVE-2019-5094 e2fsprogs</title><affected family="unix"><platform>Debian GNU/Linux 10</platform></affected>
<reference source="CVE" ref_id="CVE-2019-5094"/><description>An exploitable code execution vulnerability</description></metadata>
<criteria operator="AND"><criterion test_ref="t1" comment="Debian 10 is installed"/><criterion test_ref="t3" comment="e2fsprogs DPKG is earlier than 1.44.5-1+deb10u2"/></criteria></definition>
</definitions>
<tests><dpkginfo_test id="t3" version="1" check="all"><object object_ref="o3"/><state state_ref="s3"/></dpkginfo_test></tests>
<objects><dpkginfo_object id="o3" version="1"><name>e2fsprogs</name></dpkginfo_object></objects>
<states><dpkginfo_state id="s3" version="1"><evr datatype="debian_evr_string" operation="less than">0:1.44.5-1+deb10u2</evr></dpkginfo_state></states>
</oval_definitions>`;

const MARINER_OVAL = `<oval_definitions><definitions><definition class="vulnerability" id="d"><metadata><title>CVE-2023-51714 affecting package qt5-qtbase 5.12.11-10</title>
<affected family="unix"><platform>CBL-Mariner</platform></affected><reference ref_id="CVE-2023-51714" source="CVE"/><severity>Critical</severity></metadata>
<criteria operator="AND"><criterion comment="Package qt5-qtbase is earlier than 5.12.11-10" test_ref="t"/></criteria></definition></definitions>
<tests><linux-def:rpminfo_test check="at least one" id="t" version="1"><linux-def:object object_ref="o"/><linux-def:state state_ref="s"/></linux-def:rpminfo_test></tests>
<objects><linux-def:rpminfo_object id="o" version="1"><linux-def:name>qt5-qtbase</linux-def:name></linux-def:rpminfo_object></objects>
<states><linux-def:rpminfo_state id="s" version="1"><linux-def:evr datatype="evr_string" operation="less than">0:5.12.11-10.cm2</linux-def:evr></linux-def:rpminfo_state></states></oval_definitions>`;

describe('advisory importers', () => {
  it('Debian OVAL: CVE, release, source package and fixed EVR through test/object/state refs', () => {
    expect(ovalToAdvisories(DEBIAN_OVAL, 'oval-definitions-buster.xml')).toEqual([
      { id: 'CVE-2019-5094', aliases: [], cvss: [], references: [], summary: 'An exploitable code execution vulnerability', affected: [{ namespace: 'debian:10', package: 'e2fsprogs', data: { kind: 'fixed', fixed: '1.44.5-1+deb10u2' } }] },
    ]);
  });

  it('CBL-Mariner OVAL: namespaced elements, release from the file name, vendor severity', () => {
    const [a] = ovalToAdvisories(MARINER_OVAL, 'cbl-mariner-2.0-oval.xml');
    expect(a).toMatchObject({ id: 'CVE-2023-51714', severity: 'CRITICAL', affected: [{ namespace: 'cbl-mariner:2.0', package: 'qt5-qtbase', data: { kind: 'fixed', fixed: '5.12.11-10.cm2' } }] });
  });

  it('Alpine secdb: per-release origin packages, "0" skipped', () => {
    const advisories = secdbToAdvisories({ distroversion: 'v3.10', packages: [{ pkg: { name: 'musl', secfixes: { '1.1.22-r3': ['CVE-2019-14697'], '0': ['CVE-2000-1'] } } }] });
    expect(advisories).toEqual([{ id: 'CVE-2019-14697', aliases: [], cvss: [], references: [], affected: [{ namespace: 'alpine:3.10', package: 'musl', data: { kind: 'fixed', fixed: '1.1.22-r3' } }] }]);
  });

  it('OSV: ecosystems mapped, PyPI names normalised, GHSA severity, withdrawn records dropped', () => {
    const a = osvToAdvisory({ id: 'GHSA-x', aliases: ['CVE-1'], database_specific: { severity: 'MODERATE' }, affected: [{ package: { ecosystem: 'PyPI', name: 'Flask_Login' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '0.6.3' }] }, { type: 'GIT', events: [] }] }] });
    expect(a).toMatchObject({ id: 'GHSA-x', severity: 'MEDIUM', affected: [{ namespace: 'pypi', package: 'flask-login', data: { kind: 'osv', ranges: [{ type: 'ECOSYSTEM' }] } }] });
    expect(osvToAdvisory({ id: 'X', withdrawn: '2024-01-01', affected: [] })).toBeUndefined();
  });

  it('Node WG, RubySec and GitLab records become constraint lists', () => {
    expect(nodeWgToAdvisory({ id: 1, module_name: 'bassmaster', cves: ['CVE-2014-7205'], vulnerable_versions: '<=1.5.1', patched_versions: '>=1.5.2', title: 'Arbitrary JavaScript Execution', cvss_vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N' })).toMatchObject({
      id: 'NSWG-ECO-1',
      aliases: ['CVE-2014-7205'],
      affected: [{ namespace: 'npm', package: 'bassmaster', data: { kind: 'constraints', vulnerable: ['<=1.5.1'], patched: ['>=1.5.2'] } }],
    });
    expect(rubySecToAdvisory({ gem: 'bindata', cve: '2021-32823', ghsa: 'hj56-84jw-67h6', cvss_v3: 3.7, patched_versions: ['>= 2.4.10'] })).toMatchObject({ id: 'CVE-2021-32823', aliases: ['GHSA-hj56-84jw-67h6'], severity: 'LOW', affected: [{ namespace: 'gem', package: 'bindata' }] });
    expect(gitlabToAdvisory({ identifier: 'CVE-2018-8032', identifiers: ['GHSA-96jq-75wh-2658', 'CVE-2018-8032'], package_slug: 'maven/axis/axis', affected_range: '(,1.4]', fixed_versions: [] })).toMatchObject({
      aliases: ['GHSA-96jq-75wh-2658'],
      affected: [{ namespace: 'maven', package: 'axis:axis', data: { kind: 'constraints', vulnerable: ['(,1.4]'], patched: [] } }],
    });
  });
});

describe('Debian security-tracker lists', async () => {
  const { dsaListToAdvisories } = await import('../src/vuln/db/importers/debian-dsa.js');
  it('one advisory per CVE with the DSA as alias, fixed version per release; <not-affected> lines ignored', () => {
    const text = '[29 Mar 2023] DSA-5380-1 xorg-server - security update\n\t{CVE-2023-1393}\n\t[bullseye] - xorg-server 2:1.20.11-1+deb11u6\n[17 Mar 2023] DSA-5356-2 sox - regression update\n\t[bullseye] - sox 14.4.2+git20190427-2+deb11u2\n\t[buster] - sox <not-affected> (vulnerable code not present)\n';
    expect(dsaListToAdvisories(text)).toEqual([
      { id: 'CVE-2023-1393', aliases: ['DSA-5380-1'], cvss: [], references: [], summary: 'xorg-server: security update', affected: [{ namespace: 'debian:11', package: 'xorg-server', data: { kind: 'fixed', fixed: '2:1.20.11-1+deb11u6' } }] },
      { id: 'DSA-5356-2', aliases: [], cvss: [], references: [], summary: 'sox: regression update', affected: [{ namespace: 'debian:11', package: 'sox', data: { kind: 'fixed', fixed: '14.4.2+git20190427-2+deb11u2' } }] },
    ]);
  });
});
