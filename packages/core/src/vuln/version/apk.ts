/**
 * Alpine apk version ordering: dotted numbers, an optional letter, `_suffix[N]` parts ordered
 * alpha < beta < pre < rc < (none) < cvs < svn < git < hg < p, and the `-rN` package release.
 */
import { compareDigits, sign, type VersionScheme } from './scheme.js';

const SUFFIX_ORDER: Record<string, number> = { alpha: -4, beta: -3, pre: -2, rc: -1, cvs: 1, svn: 2, git: 3, hg: 4, p: 5 };
const APK = /^(\d+(?:\.\d+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)(?:~[0-9a-f]+)?(?:-r(\d+))?$/;

interface ApkVersion {
  numbers: string[];
  letter: string;
  suffixes: [number, string][];
  release: string;
}

function parse(v: string): ApkVersion | undefined {
  const m = APK.exec(v.trim());
  if (!m) return undefined;
  const suffixes = [...(m[3] ?? '').matchAll(/_([a-z]+)(\d*)/g)].map((s): [number, string] => [SUFFIX_ORDER[s[1] as string] ?? 0, s[2] ?? '']);
  return { numbers: (m[1] as string).split('.'), letter: m[2] ?? '', suffixes, release: m[4] ?? '0' };
}

export const apkScheme: VersionScheme = {
  name: 'apk',
  valid: (v) => parse(v) !== undefined,
  compare(a, b) {
    const x = parse(a);
    const y = parse(b);
    if (!x || !y) return sign(a.localeCompare(b));
    const n = Math.max(x.numbers.length, y.numbers.length);
    for (let i = 0; i < n; i++) {
      const p = x.numbers[i];
      const q = y.numbers[i];
      if (p === undefined) return -1;
      if (q === undefined) return 1;
      // After the first component apk compares a leading-zero part as a fraction (1.05 < 1.5).
      const d = i > 0 && (p.startsWith('0') || q.startsWith('0')) ? (p < q ? -1 : p > q ? 1 : 0) : compareDigits(p, q);
      if (d !== 0) return sign(d);
    }
    if (x.letter !== y.letter) return x.letter === '' ? -1 : y.letter === '' ? 1 : x.letter < y.letter ? -1 : 1;
    const m = Math.max(x.suffixes.length, y.suffixes.length);
    for (let i = 0; i < m; i++) {
      const [ka, na] = x.suffixes[i] ?? [0, ''];
      const [kb, nb] = y.suffixes[i] ?? [0, ''];
      if (ka !== kb) return sign(ka - kb);
      const d = compareDigits(na || '0', nb || '0');
      if (d !== 0) return sign(d);
    }
    return sign(compareDigits(x.release, y.release));
  },
};
