/**
 * Evaluates OSV `affected` data for one version: explicit `versions` lists, and SEMVER /
 * ECOSYSTEM ranges walked in version order (introduced / fixed / last_affected), as the OSV
 * schema specifies. Returns whether the version is affected and the fix that applies.
 */
import type { VersionScheme } from '../version/scheme.js';
import type { OsvEvent, OsvRange } from '../db/advisory.js';

export interface RangeVerdict {
  affected: boolean;
  fixed?: string;
}

const eventVersion = (e: OsvEvent): string => e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? '0';

export function evaluateOsv(version: string, ranges: readonly OsvRange[], versions: readonly string[], scheme: VersionScheme): RangeVerdict {
  const fixedAbove = (r: OsvRange): string | undefined =>
    r.events
      .map((e) => e.fixed)
      .filter((f): f is string => f !== undefined && scheme.compare(f, version) > 0)
      .sort((a, b) => scheme.compare(a, b))[0];
  for (const range of ranges) {
    const events = [...range.events].sort((a, b) => {
      const va = eventVersion(a);
      const vb = eventVersion(b);
      if (va === '0' || vb === '0') return va === vb ? 0 : va === '0' ? -1 : 1;
      return scheme.compare(va, vb);
    });
    let affected = false;
    for (const e of events) {
      if (e.introduced !== undefined) {
        if (e.introduced === '0' || scheme.compare(version, e.introduced) >= 0) affected = true;
      } else if (e.fixed !== undefined) {
        if (scheme.compare(version, e.fixed) >= 0) affected = false;
      } else if (e.last_affected !== undefined) {
        if (scheme.compare(version, e.last_affected) > 0) affected = false;
      }
    }
    if (affected) {
      const fixed = fixedAbove(range);
      return fixed ? { affected: true, fixed } : { affected: true };
    }
  }
  if (versions.some((v) => scheme.compare(v, version) === 0)) {
    for (const r of ranges) {
      const fixed = fixedAbove(r);
      if (fixed) return { affected: true, fixed };
    }
    return { affected: true };
  }
  return { affected: false };
}
