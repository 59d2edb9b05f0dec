/**
 * NuGet versions: SemVer 2.0 with an optional fourth (revision) number, case-insensitive
 * pre-release labels, build metadata ignored; a release beats its pre-releases.
 */
import { compareDigits, sign, type VersionScheme } from './scheme.js';

const NUGET = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function comparePre(a: string, b: string): number {
  const x = a.toLowerCase().split('.');
  const y = b.toLowerCase().split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) {
      const d = compareDigits(p, q);
      if (d !== 0) return d;
    } else if (pn !== qn) return pn ? -1 : 1;
    else if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}

export const nugetScheme: VersionScheme = {
  name: 'nuget',
  valid: (v) => NUGET.test(v.trim()),
  compare(a, b) {
    const x = NUGET.exec(a.trim());
    const y = NUGET.exec(b.trim());
    if (!x || !y) return sign(a.localeCompare(b));
    for (let i = 1; i <= 4; i++) {
      const d = compareDigits(x[i] ?? '0', y[i] ?? '0');
      if (d !== 0) return sign(d);
    }
    const pa = x[5];
    const pb = y[5];
    if (pa === undefined || pb === undefined) return pa === pb ? 0 : pa === undefined ? 1 : -1;
    return sign(comparePre(pa, pb));
  },
};
