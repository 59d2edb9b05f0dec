/**
 * Turns the licence names package managers use (Debian DEP-5 short names like `GPL-2+`,
 * Fedora's `GPLv2+ and LGPLv2+`, Alpine's space-separated lists) into SPDX identifiers where
 * the meaning is unambiguous, and keeps the original text otherwise (`BSD`, `public-domain`).
 */
import { isSpdxExpression as isSpdx } from '../../util/spdx.js';

/** Lower-cased package-manager name → SPDX id. Only unambiguous names are listed. */
const SPDX_BY_NAME: Record<string, string> = {};
const add = (spdx: string, ...names: string[]): void => {
  for (const n of names) SPDX_BY_NAME[n] = spdx;
};
add('GPL-1.0-only', 'gpl-1', 'gplv1', 'gpl1');
add('GPL-1.0-or-later', 'gpl-1+', 'gplv1+', 'gpl1+', 'gpl+');
add('GPL-2.0-only', 'gpl-2', 'gplv2', 'gpl2', 'gpl-2.0', 'gpl-2.0-only');
add('GPL-2.0-or-later', 'gpl-2+', 'gplv2+', 'gpl2+', 'gpl-2.0+', 'gpl-2.0-or-later');
add('GPL-3.0-only', 'gpl-3', 'gplv3', 'gpl3', 'gpl-3.0', 'gpl-3.0-only');
add('GPL-3.0-or-later', 'gpl-3+', 'gplv3+', 'gpl3+', 'gpl-3.0+', 'gpl-3.0-or-later');
add('LGPL-2.0-only', 'lgpl-2', 'lgplv2', 'lgpl2', 'lgpl-2.0');
add('LGPL-2.0-or-later', 'lgpl-2+', 'lgplv2+', 'lgpl2+', 'lgpl-2.0+');
add('LGPL-2.1-only', 'lgpl-2.1', 'lgplv2.1', 'lgpl2.1');
add('LGPL-2.1-or-later', 'lgpl-2.1+', 'lgplv2.1+', 'lgpl2.1+');
add('LGPL-3.0-only', 'lgpl-3', 'lgplv3', 'lgpl3', 'lgpl-3.0');
add('LGPL-3.0-or-later', 'lgpl-3+', 'lgplv3+', 'lgpl3+', 'lgpl-3.0+');
add('AGPL-3.0-only', 'agpl-3', 'agplv3', 'agpl-3.0');
add('AGPL-3.0-or-later', 'agpl-3+', 'agplv3+', 'agpl-3.0+');
add('GFDL-1.2-only', 'gfdl-1.2');
add('GFDL-1.2-or-later', 'gfdl-1.2+');
add('GFDL-1.3-only', 'gfdl-1.3');
add('GFDL-1.3-or-later', 'gfdl-1.3+');
add('BSD-2-Clause', 'bsd-2-clause', 'bsd-2');
add('BSD-3-Clause', 'bsd-3-clause', 'bsd-3');
add('BSD-4-Clause', 'bsd-4-clause');
add('MIT', 'mit', 'expat');
add('Apache-2.0', 'apache-2.0', 'apache-2', 'asl 2.0', 'asl-2.0', 'apache 2.0', 'apache license 2.0');
add('Apache-1.1', 'asl 1.1', 'apache-1.1');
add('MPL-1.1', 'mpl-1.1', 'mplv1.1');
add('MPL-2.0', 'mpl-2.0', 'mplv2.0');
add('Zlib', 'zlib');
add('ISC', 'isc');
add('OpenSSL', 'openssl');
add('Artistic-1.0-Perl', 'artistic', 'artistic-1.0-perl');
add('Artistic-2.0', 'artistic-2.0', 'artistic 2.0');
add('CC0-1.0', 'cc0', 'cc0-1.0');
add('PSF-2.0', 'psf-2', 'psf');
add('Python-2.0', 'python');
add('X11', 'x11');
add('BSL-1.0', 'bsl-1.0', 'boost');
add('Unlicense', 'unlicense');
add('curl', 'curl');
add('OFL-1.1', 'ofl-1.1', 'ofl');
add('Sleepycat', 'sleepycat');
add('WTFPL', 'wtfpl');

/** One licence name → SPDX id when known, else the trimmed original. */
export function toSpdxId(name: string): string {
  const trimmed = name.trim();
  return SPDX_BY_NAME[trimmed.toLowerCase()] ?? trimmed;
}

/**
 * A licence field → list of licences. A valid SPDX expression is kept whole; `A and B`
 * becomes two entries; `A or B` becomes one SPDX `OR` expression when both sides map.
 */
export function normalizeLicenseField(field: string, options: { spaceSeparated?: boolean } = {}): string[] {
  const text = field.trim();
  if (text === '') return [];
  const known = SPDX_BY_NAME[text.toLowerCase()];
  if (known) return [known];
  if (isSpdx(text)) return [text];
  const parts = text
    .split(/\s+(?:and|AND|&)\s+|\s*[,;]\s*/)
    .map((p) => p.replace(/^(?:and|or)\s+/i, '').trim())
    .filter((p) => p !== '');
  const out: string[] = [];
  for (const part of parts) {
    const alternatives = part.replace(/^\(|\)$/g, '').split(/\s+(?:or|OR|\|)\s+/);
    if (alternatives.length > 1) {
      const mapped = alternatives.map(toSpdxId);
      out.push(mapped.every(isSpdx) ? mapped.join(' OR ') : part);
      continue;
    }
    const single = toSpdxId(part);
    if (single !== part || isSpdx(single) || !options.spaceSeparated) out.push(single);
    else out.push(...part.split(/\s+/).map(toSpdxId));
  }
  return [...new Set(out)];
}
