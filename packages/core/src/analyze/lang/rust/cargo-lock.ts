/**
 * Cargo.lock: every `[[package]]`; packages without a `source` are the workspace's own
 * crates (root), their dependencies direct, the rest transitive.
 */
import { parse as parseToml } from 'smol-toml';
import { pkgKey, type LangPkg } from '../lang-package.js';
import { classify } from '../npm/dependency-graph.js';
import { pairedLockAnalyzer } from '../paired-lock.js';

interface CargoPackage {
  name?: string;
  version?: string;
  source?: string;
  dependencies?: string[];
}

export function parseCargoLock(content: Buffer): LangPkg[] {
  const lock = parseToml(content.toString('utf8')) as { package?: CargoPackage[] };
  const raw = (lock.package ?? []).filter((p) => p.name && p.version);
  const versionsByName = new Map<string, string[]>();
  for (const p of raw) versionsByName.set(p.name as string, [...(versionsByName.get(p.name as string) ?? []), p.version as string]);
  // A dependency is "name" (the only version) or "name version" or "name version (source)".
  const resolve = (dep: string): string | undefined => {
    const [name, version] = dep.split(' ') as [string, string | undefined];
    if (version) return pkgKey(name, version);
    const versions = versionsByName.get(name);
    return versions?.length === 1 ? pkgKey(name, versions[0] as string) : undefined;
  };
  const packages = raw.map((p): LangPkg => {
    const deps = (p.dependencies ?? []).map(resolve).filter((k): k is string => k !== undefined);
    return { name: p.name as string, version: p.version as string, ...(p.source ? {} : { relationship: 'root' as const }), ...(deps.length ? { dependsOn: deps } : {}) };
  });
  const roots = packages.filter((p) => p.relationship === 'root');
  if (roots.length > 0) {
    const direct = new Set(roots.flatMap((r) => r.dependsOn ?? []));
    for (const p of packages) if (p.relationship !== 'root') p.relationship = direct.has(pkgKey(p.name, p.version)) ? 'direct' : 'indirect';
  }
  return packages;
}

interface CargoManifest {
  prod: string[];
  dev: string[];
}

type DepTable = Record<string, unknown> | undefined;

/** Cargo.toml: normal, build and target-specific dependencies are production; dev-dependencies are not. */
export function parseCargoToml(content: Buffer): CargoManifest {
  const toml = parseToml(content.toString('utf8')) as {
    dependencies?: DepTable;
    'build-dependencies'?: DepTable;
    'dev-dependencies'?: DepTable;
    target?: Record<string, { dependencies?: DepTable; 'build-dependencies'?: DepTable; 'dev-dependencies'?: DepTable }>;
  };
  const names = (t: DepTable): string[] =>
    Object.entries(t ?? {}).map(([key, v]) => (typeof v === 'object' && v !== null && typeof (v as { package?: unknown }).package === 'string' ? (v as { package: string }).package : key));
  const targets = Object.values(toml.target ?? {});
  return {
    prod: [...names(toml.dependencies), ...names(toml['build-dependencies']), ...targets.flatMap((t) => [...names(t.dependencies), ...names(t['build-dependencies'])])],
    dev: [...names(toml['dev-dependencies']), ...targets.flatMap((t) => names(t['dev-dependencies']))],
  };
}

/** With the root's Cargo.toml, crates reachable only through dev-dependencies are marked dev. */
export function combineCargo(packages: LangPkg[], manifest: CargoManifest | undefined): LangPkg[] {
  const root = packages.find((p) => p.relationship === 'root');
  if (!manifest || !root) return packages;
  const map = new Map(packages.map((p) => [pkgKey(p.name, p.version), p]));
  const rootDeps = root.dependsOn ?? [];
  const resolve = (name: string): string | undefined => rootDeps.find((k) => k.slice(0, k.lastIndexOf('@')) === name);
  classify(map, manifest, resolve);
  return packages;
}

export const cargoLockAnalyzer = pairedLockAnalyzer<LangPkg[], CargoManifest>({
  name: 'rust-cargo-lock',
  ecosystem: 'cargo',
  source: 'Cargo.lock',
  lockFile: 'Cargo.lock',
  manifestFile: 'Cargo.toml',
  parseLock: parseCargoLock,
  parseManifest: parseCargoToml,
  combine: combineCargo,
});
