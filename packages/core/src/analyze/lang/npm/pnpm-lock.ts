/**
 * pnpm-lock.yaml, lockfile versions 5 (`/name/1.0.0` keys), 6 (`/name@1.0.0`) and 9
 * (`name@1.0.0` keys, `snapshots`, dev-ness derived from the importers).
 */
import { parse as parseYaml } from 'yaml';
import { langAnalyzer, pkgKey, type LangPkg, projectFile } from '../lang-package.js';
import { classify } from './dependency-graph.js';

interface PnpmPackage {
  dev?: boolean;
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

type ImporterDeps = Record<string, string | { version?: string }>;
interface Importer {
  dependencies?: ImporterDeps;
  devDependencies?: ImporterDeps;
  optionalDependencies?: ImporterDeps;
}

interface PnpmLock extends Importer {
  lockfileVersion?: string | number;
  importers?: Record<string, Importer>;
  packages?: Record<string, PnpmPackage>;
  snapshots?: Record<string, PnpmPackage>;
}

/** Drop peer suffixes: `1.2.3(react@18.0.0)` and v5's `1.2.3_react@18.0.0`. */
const cleanVersion = (v: string): string => v.replace(/\(.*$/, '').replace(/_.*$/, '');

/** Package key → name and version for every lockfile generation. */
export function splitPnpmKey(key: string, major: number): { name: string; version: string } | undefined {
  let k = key.startsWith('/') ? key.slice(1) : key;
  k = k.replace(/\(.*$/, '');
  if (major < 6) {
    const i = k.lastIndexOf('/');
    if (i <= 0) return undefined;
    return { name: k.slice(0, i), version: cleanVersion(k.slice(i + 1)) };
  }
  const at = k.lastIndexOf('@');
  if (at <= 0) return undefined;
  return { name: k.slice(0, at), version: cleanVersion(k.slice(at + 1)) };
}

const importerVersion = (v: string | { version?: string }): string | undefined => (typeof v === 'string' ? v : v.version);

export function parsePnpmLock(content: Buffer): LangPkg[] {
  const lock = parseYaml(content.toString('utf8')) as PnpmLock;
  const major = Math.floor(Number(String(lock.lockfileVersion ?? '5').split('.')[0]));
  const packages = new Map<string, LangPkg>();
  const depSource = major >= 9 ? lock.snapshots ?? lock.packages ?? {} : lock.packages ?? {};
  for (const [key, p] of Object.entries(lock.packages ?? {})) {
    const id = p.name && p.version ? { name: p.name, version: p.version } : splitPnpmKey(key, major);
    if (!id || id.version.startsWith('link:') || id.version.startsWith('file:')) continue;
    packages.set(pkgKey(id.name, id.version), { name: id.name, version: id.version, ...(p.dev === true ? { dev: true } : {}) });
  }
  for (const [key, p] of Object.entries(depSource)) {
    const id = splitPnpmKey(key, major);
    const pkg = id ? packages.get(pkgKey(id.name, id.version)) : undefined;
    if (!pkg) continue;
    const deps = Object.entries({ ...p.dependencies, ...p.optionalDependencies }).map(([n, v]) => pkgKey(n, cleanVersion(v.startsWith('/') ? splitPnpmKey(v, major)?.version ?? v : v)));
    const known = deps.filter((d) => packages.has(d));
    if (known.length) pkg.dependsOn = [...new Set([...(pkg.dependsOn ?? []), ...known])];
  }
  const root: Importer = lock.importers?.['.'] ?? lock;
  const direct = (deps: ImporterDeps | undefined): [string, string][] =>
    Object.entries(deps ?? {})
      .map(([n, v]): [string, string] => [n, cleanVersion(importerVersion(v) ?? '')])
      .filter(([, v]) => v !== '' && !v.startsWith('link:'));
  const prod = [...direct(root.dependencies), ...direct(root.optionalDependencies)];
  const dev = direct(root.devDependencies);
  const keyOf = new Map([...prod, ...dev].map(([n, v]) => [n, pkgKey(n, v)]));
  const hadDevFlags = [...Object.values(lock.packages ?? {})].some((p) => p.dev !== undefined);
  const before = new Map([...packages].map(([k, p]) => [k, p.dev]));
  classify(packages, { prod: prod.map(([n]) => n), dev: dev.map(([n]) => n) }, (name) => keyOf.get(name));
  // v5/v6 say dev-ness per package; keep the lockfile's word where it has one.
  if (hadDevFlags) {
    for (const [k, p] of packages) {
      if (before.get(k) === true) p.dev = true;
      else delete p.dev;
    }
  }
  return [...packages.values()];
}

export const pnpmLockAnalyzer = langAnalyzer({
  name: 'npm-pnpm-lock',
  ecosystem: 'npm',
  source: 'pnpm-lock.yaml',
  modes: ['fs'],
  wants: projectFile('pnpm-lock.yaml'),
  parse: parsePnpmLock,
});
