/**
 * Maven ComparableVersion ordering: items split on `.`, `-` and digit/letter transitions;
 * qualifiers alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp,
 * unknown qualifiers after those (lexically); trailing zero / empty items are insignificant.
 */
import { compareDigits, sign, type VersionScheme } from './scheme.js';

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { a: 'alpha', b: 'beta', m: 'milestone', cr: 'rc', ga: '', final: '', release: '' };

type Item = { kind: 'int'; value: string } | { kind: 'str'; value: string } | { kind: 'list'; items: Item[] };

function qualifierRank(q: string): string {
  const norm = ALIASES[q] ?? q;
  const i = QUALIFIERS.indexOf(norm);
  return i >= 0 ? String(i) : `${QUALIFIERS.length}-${norm}`;
}

function parse(version: string): Item[] {
  const root: Item[] = [];
  let list = root;
  const stack: Item[][] = [root];
  let token = '';
  let isDigit = false;
  const flush = (): void => {
    if (token === '' && list.length > 0) return;
    if (isDigit && token !== '') list.push({ kind: 'int', value: token.replace(/^0+/, '') || '0' });
    else list.push({ kind: 'str', value: token });
    token = '';
  };
  const text = version.trim().toLowerCase();
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '.') {
      flush();
      continue;
    }
    if (c === '-') {
      flush();
      const sub: Item[] = [];
      list.push({ kind: 'list', items: sub });
      stack.push(sub);
      list = sub;
      continue;
    }
    const digit = c >= '0' && c <= '9';
    if (token !== '' && digit !== isDigit) {
      flush();
      if (digit) {
        // a letter→digit switch starts a sub-list, like a '-'
        const sub: Item[] = [];
        list.push({ kind: 'list', items: sub });
        list = sub;
      }
    }
    isDigit = digit;
    token += c;
  }
  flush();
  const normalize = (items: Item[]): Item[] => {
    while (items.length > 0) {
      const last = items[items.length - 1] as Item;
      if ((last.kind === 'int' && last.value === '0') || (last.kind === 'str' && qualifierRank(last.value) === qualifierRank('')) || (last.kind === 'list' && normalize(last.items).length === 0)) items.pop();
      else break;
    }
    return items;
  };
  return normalize(root);
}

function compareItem(a: Item | undefined, b: Item | undefined): number {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return -compareItem(b, undefined);
  if (b === undefined) {
    if (a.kind === 'int') return a.value === '0' ? 0 : 1;
    if (a.kind === 'str') return qualifierRank(a.value) < qualifierRank('') ? -1 : qualifierRank(a.value) === qualifierRank('') ? 0 : 1;
    return a.items.length === 0 ? 0 : compareItem(a.items[0], undefined);
  }
  if (a.kind === 'int') {
    if (b.kind === 'int') return compareDigits(a.value, b.value);
    return 1; // numbers beat qualifiers and lists
  }
  if (a.kind === 'str') {
    if (b.kind === 'int') return -1;
    if (b.kind === 'list') return -1;
    const ra = qualifierRank(a.value);
    const rb = qualifierRank(b.value);
    return ra < rb ? -1 : ra > rb ? 1 : 0;
  }
  if (b.kind === 'int') return -1;
  if (b.kind === 'str') return 1;
  return compareLists(a.items, b.items);
}

function compareLists(a: Item[], b: Item[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = compareItem(a[i], b[i]);
    if (d !== 0) return d;
  }
  return 0;
}

export const mavenScheme: VersionScheme = {
  name: 'maven',
  valid: (v) => /^[0-9A-Za-z][0-9A-Za-z._+-]*$/.test(v.trim()),
  compare: (a, b) => sign(compareLists(parse(a), parse(b))),
};
