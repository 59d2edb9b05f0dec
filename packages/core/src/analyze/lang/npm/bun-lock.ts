/**
 * bun.lock (text lockfile, JSON with trailing commas): packages are `[ "name@version", … ]`
 * tuples; the root workspace lists direct dependencies, from which dev-only ones are derived.
 */
import { langAnalyzer, pkgKey, type LangPkg, projectFile } from '../lang-package.js';
import { classify } from './dependency-graph.js';

/** Remove trailing commas outside strings (JSONC as bun writes it) without a regex over the file. */
export function stripTrailingCommas(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (c === ',') {
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j] as string)) j++;
      if (text[j] === '}' || text[j] === ']') continue;
    }
    out += c;
  }
  return out;
}

interface Workspace {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export function parseBunLock(content: Buffer): LangPkg[] {
  const lock = JSON.parse(stripTrailingCommas(content.toString('utf8'))) as { workspaces?: Record<string, Workspace>; packages?: Record<string, unknown[]> };
  const packages = new Map<string, LangPkg>();
  const keyByPath = new Map<string, string>();
  const depsByKey = new Map<string, string[]>();
  for (const [path, tuple] of Object.entries(lock.packages ?? {})) {
    const ident = tuple[0];
    if (typeof ident !== 'string') continue;
    const at = ident.lastIndexOf('@');
    if (at <= 0) continue;
    const name = ident.slice(0, at);
    const version = ident.slice(at + 1);
    if (version.startsWith('workspace:') || version.startsWith('link:') || version.startsWith('file:')) continue;
    const key = pkgKey(name, version);
    keyByPath.set(path, key);
    packages.set(key, { name, version });
    const meta = tuple.find((t): t is Workspace => typeof t === 'object' && t !== null && !Array.isArray(t));
    depsByKey.set(`${path}`, Object.keys({ ...meta?.dependencies, ...meta?.optionalDependencies, ...meta?.peerDependencies }));
  }
  const resolve = (name: string, fromPath: string | undefined): string | undefined => {
    let base = fromPath;
    while (base) {
      const hit = keyByPath.get(`${base}/${name}`);
      if (hit) return hit;
      const i = base.lastIndexOf('/');
      base = i < 0 ? undefined : base.slice(0, i);
    }
    return keyByPath.get(name);
  };
  for (const [path, deps] of depsByKey) {
    const key = keyByPath.get(path) as string;
    const dependsOn = deps.map((d) => resolve(d, path)).filter((k): k is string => k !== undefined);
    const pkg = packages.get(key);
    if (pkg && dependsOn.length) pkg.dependsOn = dependsOn;
  }
  const root = lock.workspaces?.[''] ?? {};
  classify(packages, { prod: Object.keys({ ...root.dependencies, ...root.optionalDependencies, ...root.peerDependencies }), dev: Object.keys(root.devDependencies ?? {}) }, (name) => resolve(name, undefined));
  return [...packages.values()];
}

export const bunLockAnalyzer = langAnalyzer({
  name: 'npm-bun-lock',
  ecosystem: 'npm',
  source: 'bun.lock',
  modes: ['fs'],
  wants: projectFile('bun.lock'),
  parse: parseBunLock,
});
