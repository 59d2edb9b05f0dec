/**
 * RPM version ordering (rpmvercmp): `[epoch:]version-release`, alphanumeric segments, digits
 * beat letters, `~` sorts before everything (pre-releases), `^` after the base version but
 * before any further segment (post-release snapshots).
 */
import { compareDigits, sign, type VersionScheme } from './scheme.js';

export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < a.length && !/[A-Za-z0-9~^]/.test(a[i] as string)) i++;
    while (j < b.length && !/[A-Za-z0-9~^]/.test(b[j] as string)) j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = /[0-9]/.test(a[i] as string);
    const re = numeric ? /[0-9]/ : /[A-Za-z]/;
    let sa = '';
    let sb = '';
    while (i < a.length && re.test(a[i] as string)) sa += a[i++];
    while (j < b.length && re.test(b[j] as string)) sb += b[j++];
    if (sb === '') return numeric ? 1 : -1;
    const diff = numeric ? compareDigits(sa, sb) : sa < sb ? -1 : sa > sb ? 1 : 0;
    if (diff !== 0) return diff;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

function split(v: string): [string, string, string] {
  const t = v.trim();
  const colon = t.indexOf(':');
  const epoch = colon > 0 ? t.slice(0, colon) : '0';
  const rest = colon > 0 ? t.slice(colon + 1) : t;
  const dash = rest.lastIndexOf('-');
  return dash > 0 ? [epoch, rest.slice(0, dash), rest.slice(dash + 1)] : [epoch, rest, ''];
}

export const rpmScheme: VersionScheme = {
  name: 'rpm',
  valid: (v) => /^(\d+:)?[A-Za-z0-9._+~^-]+$/.test(v.trim()),
  compare(a, b) {
    const [ea, va, ra] = split(a);
    const [eb, vb, rb] = split(b);
    const e = compareDigits(ea, eb);
    if (e !== 0) return sign(e);
    const v = rpmvercmp(va, vb);
    if (v !== 0 || !ra || !rb) return sign(v);
    return sign(rpmvercmp(ra, rb));
  },
};
