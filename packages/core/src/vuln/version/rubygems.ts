/**
 * RubyGems (Gem::Version): segments split at dots and letter/digit boundaries; any letter
 * makes a pre-release, which sorts before the release; numbers beat strings.
 */
import { compareDigits, sign, type VersionScheme } from './scheme.js';

function segments(v: string): string[] {
  const parts = v.trim().replace(/-/g, '.pre.').match(/[0-9]+|[a-z]+/gi) ?? [];
  // trailing zeros are insignificant: 1.0 == 1
  while (parts.length > 1 && /^0+$/.test(parts[parts.length - 1] as string)) parts.pop();
  return parts;
}

export const rubygemsScheme: VersionScheme = {
  name: 'rubygems',
  valid: (v) => /^[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z.-]+)?$/.test(v.trim()),
  compare(a, b) {
    const x = segments(a);
    const y = segments(b);
    const n = Math.max(x.length, y.length);
    for (let i = 0; i < n; i++) {
      const p = x[i] ?? '0';
      const q = y[i] ?? '0';
      const pn = /^\d+$/.test(p);
      const qn = /^\d+$/.test(q);
      if (pn && qn) {
        const d = compareDigits(p, q);
        if (d !== 0) return sign(d);
      } else if (pn !== qn) {
        // a missing part counts as 0, and a release (number) beats a pre-release (letters)
        return pn ? 1 : -1;
      } else if (p !== q) return p < q ? -1 : 1;
    }
    return 0;
  },
};
