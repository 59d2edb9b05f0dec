/**
 * Debian version ordering (deb-version(7)): `[epoch:]upstream[-revision]`, compared part by
 * part with dpkg's rules — `~` sorts before everything (even the end), letters before
 * non-letters, digit runs numerically.
 */
import { compareDigits, sign, type VersionScheme } from './scheme.js';

interface DebVersion {
  epoch: string;
  upstream: string;
  revision: string;
}

function parse(v: string): DebVersion {
  const text = v.trim();
  const colon = text.indexOf(':');
  const epoch = colon > 0 && /^\d+$/.test(text.slice(0, colon)) ? text.slice(0, colon) : '0';
  const rest = colon > 0 ? text.slice(colon + 1) : text;
  const dash = rest.lastIndexOf('-');
  return dash > 0 ? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) } : { epoch, upstream: rest, revision: '' };
}

function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (/[0-9]/.test(c)) return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

/** dpkg's verrevcmp. */
export function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let diff = 0;
    while ((i < a.length && !/[0-9]/.test(a[i] as string)) || (j < b.length && !/[0-9]/.test(b[j] as string))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    let da = '';
    let db = '';
    while (i < a.length && /[0-9]/.test(a[i] as string)) da += a[i++];
    while (j < b.length && /[0-9]/.test(b[j] as string)) db += b[j++];
    diff = compareDigits(da || '0', db || '0');
    if (diff !== 0) return diff;
  }
  return 0;
}

export const dpkgScheme: VersionScheme = {
  name: 'dpkg',
  valid: (v) => /^(\d+:)?[0-9][A-Za-z0-9.+~:-]*$/.test(v.trim()),
  compare(a, b) {
    const x = parse(a);
    const y = parse(b);
    return sign(compareDigits(x.epoch, y.epoch) || verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision));
  },
};
