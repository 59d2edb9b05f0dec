/**
 * Composer versions, ordered as PHP's version_compare() after Composer's normalisation:
 * optional `v`, dotted numbers, then a stability — dev < alpha = a < beta = b < RC < stable
 * < patch (pl, p).
 */
import { compareDigits, sign, type VersionScheme } from './scheme.js';

const SPECIAL: Record<string, number> = { dev: 0, alpha: 1, a: 1, beta: 2, b: 2, rc: 3, '#': 4, pl: 5, p: 5, patch: 5 };

function canonical(v: string): string[] {
  const text = v
    .trim()
    .toLowerCase()
    .replace(/^v/, '')
    .replace(/[-_+]/g, '.')
    .replace(/([^.\d])(\d)/g, '$1.$2')
    .replace(/(\d)([^.\d])/g, '$1.$2');
  return text.split('.').filter((p) => p !== '');
}

function rank(part: string | undefined): number {
  if (part === undefined) return SPECIAL['#'] as number;
  if (/^\d+$/.test(part)) return SPECIAL['#'] as number;
  return SPECIAL[part] ?? -1;
}

export const composerScheme: VersionScheme = {
  name: 'composer',
  valid: (v) => /^v?\d+(\.\d+)*([-._]?(dev|alpha|a|beta|b|rc|patch|pl|p)\.?\d*)?$/i.test(v.trim()),
  compare(a, b) {
    const x = canonical(a);
    const y = canonical(b);
    const n = Math.max(x.length, y.length);
    for (let i = 0; i < n; i++) {
      const p = x[i];
      const q = y[i];
      if (p !== undefined && q !== undefined && /^\d+$/.test(p) && /^\d+$/.test(q)) {
        const d = compareDigits(p, q);
        if (d !== 0) return sign(d);
        continue;
      }
      // PHP: a missing part is compared as "#" against a special form, as lower against a number.
      if (p === undefined) return /^\d+$/.test(q as string) ? -1 : sign(rank(undefined) - rank(q));
      if (q === undefined) return /^\d+$/.test(p) ? 1 : sign(rank(p) - rank(undefined));
      const d = rank(p) - rank(q);
      if (d !== 0) return sign(d);
    }
    return 0;
  },
};
