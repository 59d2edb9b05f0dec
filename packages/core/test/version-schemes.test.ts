/**
 * One table of tricky orderings per scheme (the cases advisories hinge on), plus properties
 * every scheme must have: reflexive, antisymmetric, and sorting a shuffled list is stable.
 */
import { describe, expect, it } from 'vitest';
import { ALL_SCHEMES } from '../src/vuln/version/registry.js';
import { npmScheme } from '../src/vuln/version/semver-schemes.js';
import type { VersionScheme } from '../src/vuln/version/scheme.js';

type Op = '<' | '=' | '>';
const CASES: Record<string, [string, Op, string][]> = {
  dpkg: [
    ['1.0~rc1', '<', '1.0'],
    ['1.0', '<', '1.0+deb10u1'],
    ['1:0.9', '>', '2.0'],
    ['0:1.0', '=', '1.0'],
    ['2.28-10', '<', '2.28-10+deb10u1'],
    ['1.0-1~bpo1', '<', '1.0-1'],
    ['1.0a', '>', '1.0'],
    ['1.0.1', '>', '1.0a'],
    ['1.0~~', '<', '1.0~'],
    ['1.0~', '<', '1.0~a'],
    ['7.64.0-4+deb10u1', '<', '7.64.0-4+deb10u2'],
    ['10', '>', '9'],
    ['1.2.3', '=', '1.2.3-0'],
    ['2.2.53-10+deb10u1', '>', '2.2.53-10'],
  ],
  apk: [
    ['1.2.3_alpha', '<', '1.2.3_beta'],
    ['1.2.3_beta', '<', '1.2.3_pre'],
    ['1.2.3_pre', '<', '1.2.3_rc1'],
    ['1.2.3_rc1', '<', '1.2.3_rc2'],
    ['1.2.3_rc2', '<', '1.2.3'],
    ['1.2.3', '<', '1.2.3_p1'],
    ['1.2.3-r0', '<', '1.2.3-r1'],
    ['1.2.3-r9', '<', '1.2.3-r10'],
    ['1.1.1b-r5', '<', '1.1.1c-r0'],
    ['1.1.1c', '<', '1.1.1c-r1'],
    ['2.0', '>', '1.99.9'],
    ['1.05', '<', '1.5'],
    ['1.1.1k-r0', '<', '1.1.1l-r0'],
    ['1.30.1-r2', '<', '1.30.1-r3'],
  ],
  rpm: [
    ['1.0~rc1', '<', '1.0'],
    ['1.0^20230101', '>', '1.0'],
    ['1.0^20230101', '<', '1.0.1'],
    ['1:1.0-1', '>', '2.0-1'],
    ['1.0-1.el8', '<', '1.0-2.el8'],
    ['1.0a', '>', '1.0'],
    ['2.0.1', '>', '2.0a'],
    ['1.01', '=', '1.1'],
    ['3.0.1-41.el9_0', '<', '3.0.1-41.el9_0.1'],
    ['32:9.11.4-26.P2.amzn2.5.2', '<', '99:9.11.4-26.P2.amzn2.5.2'],
    ['1.0-1', '=', '1.0'],
  ],
  npm: [
    ['1.0.0-alpha', '<', '1.0.0-alpha.1'],
    ['1.0.0-alpha.1', '<', '1.0.0-beta'],
    ['1.0.0-beta', '<', '1.0.0'],
    ['1.2.3', '<', '1.10.0'],
    ['2.0.0', '>', '1.99.99'],
    ['v1.2.3', '=', '1.2.3'],
  ],
  pep440: [
    ['1.0.dev1', '<', '1.0a1'],
    ['1.0a1', '<', '1.0b1'],
    ['1.0b1', '<', '1.0rc1'],
    ['1.0rc1', '<', '1.0'],
    ['1.0', '<', '1.0.post1'],
    ['1!0.5', '>', '2.0'],
    ['1.0+local', '>', '1.0'],
    ['1.0', '=', '1.0.0'],
  ],
  maven: [
    ['1.0-alpha-1', '<', '1.0-beta'],
    ['1.0-milestone', '<', '1.0-rc'],
    ['1.0-rc1', '=', '1.0-cr1'],
    ['1.0-rc', '<', '1.0-SNAPSHOT'],
    ['1.0-SNAPSHOT', '<', '1.0'],
    ['1.0', '=', '1.0.0'],
    ['1', '=', '1.0'],
    ['1.0.Final', '=', '1.0'],
    ['1.0', '<', '1.0-sp'],
    ['1.0', '<', '1.0.1'],
    ['2.9.10', '<', '2.9.10.7'],
    ['2.9.10.7', '<', '2.10.0'],
  ],
  rubygems: [
    ['1.0.a', '<', '1.0'],
    ['1.0.0.beta1', '<', '1.0.0.rc1'],
    ['1.0.0.rc1', '<', '1.0.0'],
    ['1.10', '>', '1.9'],
    ['1.0', '=', '1.0.0'],
    ['6.0.2.1', '<', '6.0.2.2'],
  ],
  go: [
    ['v0.0.0-20210101000000-abcdef123456', '<', 'v0.1.0'],
    ['v2.7.1+incompatible', '=', 'v2.7.1'],
    ['v1.2.3-pre', '<', 'v1.2.3'],
    ['v1.2.4-0.20210101000000-abcdef123456', '>', 'v1.2.3'],
    ['v1.2.4-0.20210101000000-abcdef123456', '<', 'v1.2.4'],
    ['v0.3.6', '<', 'v0.3.7'],
  ],
  composer: [
    ['1.0.0-dev', '<', '1.0.0-alpha1'],
    ['1.0.0-alpha1', '<', '1.0.0-beta2'],
    ['1.0.0-beta2', '<', '1.0.0-RC1'],
    ['1.0.0-RC1', '<', '1.0.0'],
    ['1.0.0', '<', '1.0.0-p1'],
    ['v2.0.0', '=', '2.0.0'],
    ['1.2', '<', '1.10'],
  ],
  nuget: [
    ['1.0.0-alpha', '<', '1.0.0'],
    ['1.0.0.1', '>', '1.0.0'],
    ['1.0.0-Beta', '=', '1.0.0-beta'],
    ['1.0.0+build.5', '=', '1.0.0'],
    ['1.0', '=', '1.0.0'],
    ['17.2.0-release-20220408-11', '<', '17.2.0'],
    ['1.0.0-alpha.2', '<', '1.0.0-alpha.10'],
  ],
  cargo: [
    ['0.7.20', '<', '1.0.2'],
    ['1.0.0-rc.1', '<', '1.0.0'],
  ],
};

const expected = (op: Op): number => (op === '<' ? -1 : op === '>' ? 1 : 0);

describe.each(ALL_SCHEMES.map((s) => [s.name, s] as [string, VersionScheme]))('%s', (name, scheme) => {
  const cases = CASES[name] ?? [];
  it('has a table of tricky cases', () => {
    expect(cases.length).toBeGreaterThan(1);
  });
  it.each(cases)('%s %s %s', (a, op, b) => {
    expect(scheme.compare(a, b)).toBe(expected(op));
    expect(scheme.compare(b, a)).toBe(expected(op) === 0 ? 0 : -expected(op));
    expect(scheme.compare(a, a)).toBe(0);
  });
  it('sorting is consistent with the table', () => {
    const versions = [...new Set(cases.flatMap(([a, , b]) => [a, b]))];
    const sorted = [...versions].sort((x, y) => scheme.compare(x, y));
    const reversed = [...versions].reverse().sort((x, y) => scheme.compare(x, y));
    expect(reversed.map((v) => sorted.findIndex((s) => scheme.compare(s, v) === 0))).toEqual(sorted.map((v) => sorted.findIndex((s) => scheme.compare(s, v) === 0)));
  });
});

describe('npm ranges', () => {
  it.each([
    ['4.17.15', '<4.17.21', true],
    ['4.17.21', '<4.17.21', false],
    ['1.2.3-beta.1', '^1.2.0', false],
    ['1.2.3-beta.1', '>=1.2.3-beta.0 <1.2.3', true],
    ['2.6.9', '>=2.0.0 <2.6.9 || >=3.0.0 <3.1.0', false],
    ['3.0.5', '>=2.0.0 <2.6.9 || >=3.0.0 <3.1.0', true],
  ])('%s satisfies %s: %s', (v, range, want) => {
    expect(npmScheme.satisfies(v, range)).toBe(want);
  });
});
