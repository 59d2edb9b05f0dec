/**
 * package-lock.json / npm-shrinkwrap.json, lockfile versions 1 (nested `dependencies`) and
 * 2/3 (flat `packages` keyed by node_modules path, resolved with Node's lookup rules).
 */
import { pkgKey, type LangPkg, langAnalyzer, projectFile } from '../lang-package.js';

interface V1Dep {
  version?: string;
  dev?: boolean;
  requires?: Record<string, string>;
  dependencies?: Record<string, V1Dep>;
}

interface V2Entry {
  name?: string;
  version?: string;
  dev?: boolean;
  devOptional?: boolean;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function parseV1(deps: Record<string, V1Dep>): LangPkg[] {
  const out = new Map<string, LangPkg>();
  const walk = (level: Record<string, V1Dep>, scopes: Record<string, V1Dep>[]): void => {
    for (const [name, dep] of Object.entries(level)) {
      if (!dep.version || dep.version.startsWith('file:')) continue;
      const key = pkgKey(name, dep.version);
      const chain = [dep.dependencies ?? {}, level, ...scopes];
      const dependsOn = Object.keys(dep.requires ?? {})
        .map((n) => {
          const found = chain.find((s) => s[n]?.version)?.[n];
          return found?.version ? pkgKey(n, found.version) : undefined;
        })
        .filter((k): k is string => k !== undefined);
      const existing = out.get(key);
      if (existing) existing.dev = existing.dev === true && dep.dev === true;
      else out.set(key, { name, version: dep.version, ...(dep.dev ? { dev: true } : {}), ...(dependsOn.length ? { dependsOn } : {}) });
      if (dep.dependencies) walk(dep.dependencies, [level, ...scopes]);
    }
  };
  walk(deps, []);
  return [...out.values()];
}

function nameFromPath(path: string): string {
  const i = path.lastIndexOf('node_modules/');
  return i < 0 ? path : path.slice(i + 'node_modules/'.length);
}

function parseV2(packages: Record<string, V2Entry>): LangPkg[] {
  const root = packages[''] ?? {};
  const byPath = new Map<string, { key: string; pkg: LangPkg; entry: V2Entry }>();
  for (const [path, entry] of Object.entries(packages)) {
    if (path === '' || entry.link || !entry.version) continue;
    const name = path.includes('node_modules/') ? nameFromPath(path) : entry.name;
    if (!name) continue;
    const pkg: LangPkg = { name, version: entry.version };
    if (entry.dev || entry.devOptional) pkg.dev = true;
    byPath.set(path, { key: pkgKey(name, entry.version), pkg, entry });
  }
  const resolve = (name: string, from: string): string | undefined => {
    let base = from;
    for (;;) {
      const hit = byPath.get(base ? `${base}/node_modules/${name}` : `node_modules/${name}`);
      if (hit) return hit.key;
      if (!base) return undefined;
      const i = base.lastIndexOf('/node_modules/');
      base = i < 0 ? '' : base.slice(0, i);
    }
  };
  const directNames = new Set(Object.keys({ ...root.dependencies, ...root.optionalDependencies, ...root.peerDependencies, ...root.devDependencies }));
  const out = new Map<string, LangPkg>();
  for (const [path, { key, pkg, entry }] of byPath) {
    const deps = Object.keys({ ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies });
    const dependsOn = deps.map((n) => resolve(n, path)).filter((k): k is string => k !== undefined);
    if (dependsOn.length) pkg.dependsOn = dependsOn;
    pkg.relationship = path === `node_modules/${pkg.name}` && directNames.has(pkg.name) ? 'direct' : 'indirect';
    const existing = out.get(key);
    if (existing) {
      if (!pkg.dev) delete existing.dev;
      if (pkg.relationship === 'direct') existing.relationship = 'direct';
    } else out.set(key, pkg);
  }
  return [...out.values()];
}

export function parsePackageLock(content: Buffer): LangPkg[] {
  const json = JSON.parse(content.toString('utf8')) as { lockfileVersion?: number; packages?: Record<string, V2Entry>; dependencies?: Record<string, V1Dep> };
  if (json.packages && (json.lockfileVersion ?? 1) >= 2) return parseV2(json.packages);
  return parseV1(json.dependencies ?? {});
}

export const packageLockAnalyzer = langAnalyzer({
  name: 'npm-package-lock',
  ecosystem: 'npm',
  source: 'package-lock.json',
  modes: ['fs'],
  wants: projectFile('package-lock.json', 'npm-shrinkwrap.json'),
  parse: parsePackageLock,
});
