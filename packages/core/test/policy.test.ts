import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPolicy } from '../src/policy/suppression.js';
import { readIgnoreFile, readVex } from '../src/policy/policy-files.js';
import type { VulnerabilityFinding } from '../src/model/finding.js';

const finding = (id: string, over: Partial<VulnerabilityFinding> = {}): VulnerabilityFinding => ({
  kind: 'vulnerability',
  id,
  aliases: [],
  packageName: 'lodash',
  packageType: 'npm',
  purl: 'pkg:npm/lodash@4.17.15',
  installedVersion: '4.17.15',
  fixedVersion: '4.17.21',
  status: 'fixed',
  severity: 'HIGH',
  advisories: [],
  references: [],
  locations: [{ path: '/app/package-lock.json' }],
  ...over,
});
const dir = mkdtempSync(join(tmpdir(), 'bulwark-policy-'));
const now = new Date('2026-11-29T00:00:00Z');

describe('policy', () => {
  it('severity and --ignore-unfixed filters keep what they hide, with the reason', () => {
    const r = applyPolicy([finding('CVE-1'), finding('CVE-2', { severity: 'LOW' }), finding('CVE-3', { status: 'affected', fixedVersion: undefined })], { severities: ['HIGH', 'CRITICAL'], ignoreUnfixed: true, now });
    expect(r.findings.map((f) => f.id)).toEqual(['CVE-1']);
    expect(r.suppressed.map((s) => [s.finding.id, s.by])).toEqual([['CVE-2', 'severity'], ['CVE-3', 'status']]);
  });

  it('ignore rules: by id or alias, narrowed by purl (with or without version) and path; expired rules warn', () => {
    writeFileSync(join(dir, '.bulwarkignore'), ['- id: GHSA-xxxx', '  purl: pkg:npm/lodash', '  reason: not reachable', '  expires: 2027-01-01', '- id: CVE-2', '  path: /other/package-lock.json', '- id: CVE-3', '  expires: 2025-06-30', ''].join('\n'));
    const rules = readIgnoreFile(join(dir, '.bulwarkignore'));
    const r = applyPolicy([finding('CVE-1', { aliases: ['GHSA-xxxx'] }), finding('CVE-2'), finding('CVE-3')], { ignoreRules: rules, now }, '.bulwarkignore');
    expect(r.findings.map((f) => f.id)).toEqual(['CVE-2', 'CVE-3']);
    expect(r.suppressed[0]).toMatchObject({ by: 'ignorefile', reason: 'not reachable' });
    expect(r.problems.map((p) => p.message)).toEqual(['ignore rule for CVE-3 expired on 2025-06-30 and no longer applies']);
  });

  it('bad ignore files are typed errors naming the file', () => {
    writeFileSync(join(dir, 'bad.yaml'), '- reason: no id here\n');
    expect(() => readIgnoreFile(join(dir, 'bad.yaml'))).toThrow(/bad\.yaml: rule 1 has no id/);
    writeFileSync(join(dir, 'bad2.yaml'), '- id: CVE-1\n  expires: someday\n');
    expect(() => readIgnoreFile(join(dir, 'bad2.yaml'))).toThrow(/expires must be a date/);
  });

  it('OpenVEX not_affected suppresses for the listed product only, justification kept', () => {
    writeFileSync(
      join(dir, 'vex.json'),
      JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements: [{ vulnerability: { name: 'CVE-1' }, products: [{ '@id': 'pkg:npm/lodash@4.17.15' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' }] }),
    );
    const vex = readVex(join(dir, 'vex.json'));
    const r = applyPolicy([finding('CVE-1'), finding('CVE-1', { purl: 'pkg:npm/lodash@4.17.20', installedVersion: '4.17.20' })], { vex, now });
    expect(r.findings.map((f) => f.installedVersion)).toEqual(['4.17.20']);
    expect(r.suppressed[0]?.reason).toMatch(/^not_affected \(vulnerable_code_not_in_execute_path\) per .*vex\.json$/);
  });

  it('CycloneDX VEX: analysis.state not_affected / false_positive suppress; exploitable does not', () => {
    writeFileSync(
      join(dir, 'cdx-vex.json'),
      JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', vulnerabilities: [
        { id: 'CVE-1', analysis: { state: 'not_affected', justification: 'code_not_reachable' }, affects: [{ ref: 'pkg:npm/lodash@4.17.15' }] },
        { id: 'CVE-2', analysis: { state: 'exploitable' }, affects: [{ ref: 'pkg:npm/lodash@4.17.15' }] },
      ] }),
    );
    const r = applyPolicy([finding('CVE-1'), finding('CVE-2')], { vex: readVex(join(dir, 'cdx-vex.json')), now });
    expect(r.findings.map((f) => f.id)).toEqual(['CVE-2']);
    writeFileSync(join(dir, 'not-vex.json'), '{"hello": 1}');
    expect(() => readVex(join(dir, 'not-vex.json'))).toThrow(/neither an OpenVEX document nor CycloneDX VEX/);
  });
});
