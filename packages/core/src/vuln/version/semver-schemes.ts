/**
 * Schemes built on Semantic Versioning (node-semver): npm (with ranges), Cargo, and Go
 * modules (a `v` prefix, `+incompatible`, and pseudo-versions, which are valid pre-releases).
 */
import semver from 'semver';
import { sign, type VersionScheme } from './scheme.js';

/** Strict or loose semver; partial versions (`4.5`, `4`) as advisories write them become `4.5.0`. */
const coerceLoose = (v: string): string | undefined => {
  const t = v.trim();
  const valid = semver.valid(t, { loose: true });
  if (valid) return valid;
  const m = /^v?(\d+)(?:\.(\d+))?$/.exec(t);
  return m ? `${m[1]}.${m[2] ?? '0'}.0` : undefined;
};

export const npmScheme: VersionScheme & { satisfies(version: string, range: string): boolean; inRange(version: string, range: string): boolean } = {
  name: 'npm',
  valid: (v) => coerceLoose(v) !== undefined,
  compare(a, b) {
    const x = coerceLoose(a);
    const y = coerceLoose(b);
    if (!x || !y) return sign(a.localeCompare(b));
    return sign(semver.compare(x, y));
  },
  /** npm range semantics; pre-releases only match ranges that name the same major.minor.patch. */
  satisfies: (version, range) => semver.satisfies(version, range, { loose: true }),
  /**
   * For advisories: pre-releases count too. npm's range rule would say 1.2.3-beta.1 is not in
   * `<1.2.3`, yet that build lacks the 1.2.3 fix.
   */
  inRange: (version, range) => semver.satisfies(version, range, { loose: true, includePrerelease: true }),
};

export const cargoScheme: VersionScheme = { name: 'cargo', valid: npmScheme.valid, compare: npmScheme.compare };

/** `v1.2.3+incompatible` → `1.2.3`; build metadata never affects Go's ordering. */
const goCore = (v: string): string => v.trim().replace(/^v/, '').replace(/\+.*$/, '');

export const goScheme: VersionScheme = {
  name: 'go',
  valid: (v) => /^v\d/.test(v.trim()) && semver.valid(goCore(v)) !== null,
  compare(a, b) {
    const x = semver.valid(goCore(a));
    const y = semver.valid(goCore(b));
    if (!x || !y) return sign(a.localeCompare(b));
    return sign(semver.compare(x, y));
  },
};
