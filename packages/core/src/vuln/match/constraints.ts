/**
 * Version constraints as advisory databases write them, for any version scheme:
 * comparator lists (`>= 2.0.0, < 2.9.10.3`, `>=1.0.0 <=1.6.3`), alternatives (`||`), RubyGems
 * pessimistic `~> 5.2.4`, Maven ranges (`[2.9.0,2.9.10.7)`, `(,1.0]`, `[1.0]`), and bare
 * versions (exact). Also the decision rule for vulnerable / patched / unaffected lists.
 */
import type { VersionScheme } from '../version/scheme.js';

type Check = (v: string) => boolean;

function comparator(op: string, target: string, scheme: VersionScheme): Check {
  switch (op) {
    case '<':
      return (v) => scheme.compare(v, target) < 0;
    case '<=':
      return (v) => scheme.compare(v, target) <= 0;
    case '>':
      return (v) => scheme.compare(v, target) > 0;
    case '>=':
      return (v) => scheme.compare(v, target) >= 0;
    case '!=':
      return (v) => scheme.compare(v, target) !== 0;
    case '~>': {
      // ~> 5.2.4 means >= 5.2.4 and < 5.3; ~> 5 means >= 5 and < 6.
      const parts = target.split('.');
      const upperParts = parts.length > 1 ? parts.slice(0, -1) : parts;
      const last = Number(upperParts[upperParts.length - 1] ?? 0) + 1;
      const upper = [...upperParts.slice(0, -1), String(last)].join('.');
      return (v) => scheme.compare(v, target) >= 0 && scheme.compare(v, upper) < 0;
    }
    default:
      return (v) => scheme.compare(v, target) === 0;
  }
}

/** `[1.0,2.0)`, `(,1.0]`, `[1.0]`, several joined by commas. */
function mavenRanges(text: string, scheme: VersionScheme): Check | undefined {
  const ranges = [...text.matchAll(/([[(])\s*([^,\])]*)\s*(?:,\s*([^\])]*))?\s*([\])])/g)];
  if (ranges.length === 0) return undefined;
  const checks = ranges.map((m): Check => {
    const [, open, lo = '', hi, close] = m as unknown as [string, string, string, string | undefined, string];
    if (hi === undefined) return (v) => scheme.compare(v, lo.trim()) === 0;
    const low = lo.trim();
    const high = hi.trim();
    return (v) =>
      (low === '' || (open === '[' ? scheme.compare(v, low) >= 0 : scheme.compare(v, low) > 0)) &&
      (high === '' || (close === ']' ? scheme.compare(v, high) <= 0 : scheme.compare(v, high) < 0));
  });
  return (v) => checks.some((c) => c(v));
}

export function satisfies(version: string, constraint: string, scheme: VersionScheme): boolean {
  const text = constraint.trim();
  if (text === '' || text === '*') return true;
  // npm advisories are written in npm's own range language: let node-semver read them.
  if ('inRange' in scheme && typeof scheme.inRange === 'function' && !/[[(]/.test(text)) {
    return (scheme.inRange as (v: string, r: string) => boolean)(version, text.replace(/,\s*/g, ' '));
  }
  if (/^[[(]/.test(text)) return mavenRanges(text, scheme)?.(version) ?? false;
  return text.split('||').some((alternative) => {
    const tokens = alternative
      .replace(/(<=|>=|!=|~>|<|>|=)\s+/g, '$1')
      .split(/[,\s]+/)
      .filter((t) => t !== '');
    return tokens.every((token) => {
      const m = /^(<=|>=|!=|~>|<|>|==|=)?v?(.+)$/.exec(token);
      if (!m?.[2]) return false;
      return comparator(m[1] ?? '=', m[2], scheme)(version);
    });
  });
}

export interface ConstraintLists {
  vulnerable: string[];
  patched: string[];
  unaffected: string[];
}

/**
 * Vulnerable when any list holds an empty constraint, or when the version is inside
 * `vulnerable` (if given) and inside neither `patched` nor `unaffected`.
 */
export function isVulnerable(version: string, lists: ConstraintLists, scheme: VersionScheme): boolean {
  const all = [...lists.vulnerable, ...lists.patched, ...lists.unaffected];
  if (all.some((c) => c.trim() === '')) return true;
  if (lists.vulnerable.length > 0 && !lists.vulnerable.some((c) => satisfies(version, c, scheme))) return false;
  if ([...lists.patched, ...lists.unaffected].some((c) => satisfies(version, c, scheme))) return false;
  return lists.vulnerable.length > 0 || lists.patched.length > 0;
}

/** What to show as the fix: the patched constraints, else the `<` bounds of the vulnerable ones. */
export function fixedText(lists: ConstraintLists): string | undefined {
  if (lists.patched.length > 0) return lists.patched.join(', ');
  const bounds = lists.vulnerable.flatMap((c) => [...c.matchAll(/<\s*([^\s,<>=|]+)/g)].map((m) => m[1] as string)).filter((b) => !b.startsWith('='));
  return bounds.length > 0 ? [...new Set(bounds)].join(', ') : undefined;
}
