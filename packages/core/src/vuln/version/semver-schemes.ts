/**
 * Schemes built on Semantic Versioning (node-semver): npm (with ranges), Cargo, and Go
 * modules (a `v` prefix, `+incompatible`, and pseudo-versions, which are valid pre-releases).
 */
import semver from 'semver';
import { sign, type VersionScheme } from './scheme.js';

const coerceLoose = (v: string): string | undefined => semver.valid(v.trim(), { loose: true }) ?? undefined;

export const npmScheme: VersionScheme & { satisfies(version: string, range: string): boolean } = {
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
