/**
 * go.mod: required modules (direct, or `// indirect`), with `replace` directives applied;
 * local-path replacements are dropped (they are not published modules).
 */
import { baseName, langAnalyzer, outsideVendorTrees, type LangPkg } from '../lang-package.js';

export function parseGoMod(content: Buffer): LangPkg[] {
  const requires: { path: string; version: string; indirect: boolean; line: number }[] = [];
  const replaces = new Map<string, { path: string; version?: string; from?: string }>();
  let block: 'require' | 'replace' | undefined;
  const lines = content.toString('utf8').split('\n');
  lines.forEach((raw, i) => {
    const indirect = /\/\/\s*indirect\b/.test(raw);
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (line === '') return;
    if (line === ')') {
      block = undefined;
      return;
    }
    const open = /^(require|replace)\s*\($/.exec(line);
    if (open) {
      block = open[1] as 'require' | 'replace';
      return;
    }
    let kind = block;
    let body = line;
    const single = /^(require|replace)\s+(.*)$/.exec(line);
    if (single) {
      kind = single[1] as 'require' | 'replace';
      body = single[2] as string;
    }
    if (kind === 'require') {
      const [path, version] = body.split(/\s+/);
      if (path && version) requires.push({ path, version, indirect, line: i + 1 });
    } else if (kind === 'replace') {
      const m = /^(\S+)(?:\s+(\S+))?\s+=>\s+(\S+)(?:\s+(\S+))?$/.exec(body);
      if (m?.[1] && m[3]) replaces.set(m[1], { path: m[3], ...(m[4] ? { version: m[4] } : {}), ...(m[2] ? { from: m[2] } : {}) });
    }
  });
  const out: LangPkg[] = [];
  for (const r of requires) {
    const rep = replaces.get(r.path);
    if (rep && (!rep.from || rep.from === r.version)) {
      if (!rep.version) continue; // replaced by a local directory
      out.push({ name: rep.path, version: rep.version, relationship: r.indirect ? 'indirect' : 'direct', line: r.line });
      continue;
    }
    out.push({ name: r.path, version: r.version, relationship: r.indirect ? 'indirect' : 'direct', line: r.line });
  }
  return out;
}

export const goModAnalyzer = langAnalyzer({ name: 'go-mod', ecosystem: 'golang', source: 'gomod', modes: ['fs'], wants: (p) => baseName(p) === 'go.mod' && outsideVendorTrees(p), parse: parseGoMod });
