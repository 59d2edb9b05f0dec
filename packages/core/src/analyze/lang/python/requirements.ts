/**
 * pip requirements files (`requirements*.txt`): pinned `name==version` lines only, with
 * extras, environment markers, hashes and comments stripped; `-r`/`-e`/URLs are skipped.
 */
import { baseName } from '../../../util/paths.js';
import { langAnalyzer, outsideVendorTrees, type LangPkg } from '../lang-package.js';

export function parseRequirements(content: Buffer): LangPkg[] {
  const out: LangPkg[] = [];
  const lines = content.toString('utf8').split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\s#.*$/, '').replace(/^#.*$/, '').replace(/\\\s*$/, '').trim();
    if (line === '' || line.startsWith('-') || line.includes('://')) return;
    const spec = (line.split(';')[0] ?? '').trim();
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)/.exec(spec);
    if (!m?.[1] || !m[2]) return;
    out.push({ name: m[1], version: m[2], line: i + 1 });
  });
  return out;
}

export const requirementsAnalyzer = langAnalyzer({
  name: 'python-requirements',
  ecosystem: 'pypi',
  source: 'requirements.txt',
  modes: ['fs'],
  wants: (p) => /^requirements[\w.-]*\.txt$/.test(baseName(p)) && outsideVendorTrees(p),
  parse: parseRequirements,
});
