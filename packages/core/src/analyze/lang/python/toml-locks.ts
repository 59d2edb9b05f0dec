/**
 * The TOML lockfiles of Python: poetry.lock, uv.lock (root project, direct and dev
 * dependencies from its own metadata) and pylock.toml (PEP 751).
 */
import { parse as parseToml } from 'smol-toml';
import { classify } from '../npm/dependency-graph.js';
import { baseName } from '../../../util/paths.js';
import { langAnalyzer, outsideVendorTrees, pep503, pkgKey, type LangPkg, projectFile } from '../lang-package.js';
import { pairedLockAnalyzer } from '../paired-lock.js';

interface LockPackage {
  name?: string;
  version?: string;
  category?: string;
  source?: { virtual?: string; editable?: string };
  dependencies?: Record<string, unknown> | { name: string }[];
  'dev-dependencies'?: Record<string, { name: string }[]>;
}

function depNames(deps: LockPackage['dependencies']): string[] {
  if (!deps) return [];
  return Array.isArray(deps) ? deps.map((d) => d.name) : Object.keys(deps);
}

/** One version per (normalised) name in these locks: link dependencies by name. */
function linkByName(packages: LangPkg[], raw: LockPackage[]): Map<string, string> {
  const byName = new Map(packages.map((p) => [pep503(p.name), pkgKey(p.name, p.version)]));
  raw.forEach((r, i) => {
    const deps = depNames(r.dependencies).map((n) => byName.get(pep503(n))).filter((k): k is string => k !== undefined);
    const pkg = packages[i];
    if (pkg && deps.length) pkg.dependsOn = deps;
  });
  return byName;
}

export function parsePoetryLock(content: Buffer): LangPkg[] {
  const lock = parseToml(content.toString('utf8')) as { package?: LockPackage[] };
  const raw = (lock.package ?? []).filter((p) => p.name && p.version);
  const packages = raw.map((p): LangPkg => ({ name: p.name as string, version: p.version as string, ...(p.category === 'dev' ? { dev: true } : {}) }));
  linkByName(packages, raw);
  return packages;
}

export function parseUvLock(content: Buffer): LangPkg[] {
  const lock = parseToml(content.toString('utf8')) as { package?: LockPackage[] };
  const raw = (lock.package ?? []).filter((p) => p.name && p.version);
  const packages = raw.map((p): LangPkg => ({ name: p.name as string, version: p.version as string }));
  const byName = linkByName(packages, raw);
  const rootIndex = raw.findIndex((p) => p.source?.virtual === '.' || p.source?.editable === '.');
  if (rootIndex >= 0) {
    const root = raw[rootIndex] as LockPackage;
    (packages[rootIndex] as LangPkg).relationship = 'root';
    const map = new Map(packages.map((p) => [pkgKey(p.name, p.version), p]));
    const devNames = Object.values(root['dev-dependencies'] ?? {}).flatMap((list) => list.map((d) => d.name));
    classify(map, { prod: depNames(root.dependencies), dev: devNames }, (name) => byName.get(pep503(name)));
  }
  return packages;
}

export function parsePylock(content: Buffer): LangPkg[] {
  const lock = parseToml(content.toString('utf8')) as { packages?: LockPackage[] };
  const raw = (lock.packages ?? []).filter((p) => p.name && p.version);
  const packages = raw.map((p): LangPkg => ({ name: p.name as string, version: p.version as string }));
  linkByName(packages, raw);
  return packages;
}

interface PyProject {
  prod: string[];
  dev: string[];
}

/** pyproject.toml: Poetry's main and group dependencies, or PEP 621 `project.dependencies`. */
export function parsePyProject(content: Buffer): PyProject {
  const toml = parseToml(content.toString('utf8')) as {
    project?: { dependencies?: string[]; 'optional-dependencies'?: Record<string, string[]> };
    tool?: { poetry?: { dependencies?: Record<string, unknown>; 'dev-dependencies'?: Record<string, unknown>; group?: Record<string, { dependencies?: Record<string, unknown> }> } };
  };
  const poetry = toml.tool?.poetry;
  const requirementName = (r: string): string => /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(r)?.[1] ?? r;
  const prod = [...Object.keys(poetry?.dependencies ?? {}).filter((n) => n !== 'python'), ...(toml.project?.dependencies ?? []).map(requirementName)];
  const dev = [...Object.keys(poetry?.['dev-dependencies'] ?? {}), ...Object.values(poetry?.group ?? {}).flatMap((g) => Object.keys(g.dependencies ?? {}))];
  return { prod, dev };
}

export const poetryLockAnalyzer = pairedLockAnalyzer<LangPkg[], PyProject>({
  name: 'python-poetry-lock',
  ecosystem: 'pypi',
  source: 'poetry.lock',
  lockFile: 'poetry.lock',
  manifestFile: 'pyproject.toml',
  parseLock: parsePoetryLock,
  parseManifest: parsePyProject,
  combine(packages, manifest) {
    if (!manifest) return packages;
    const byName = new Map(packages.map((p) => [pep503(p.name), pkgKey(p.name, p.version)]));
    const map = new Map(packages.map((p) => [pkgKey(p.name, p.version), p]));
    classify(map, manifest, (name) => byName.get(pep503(name)));
    return packages;
  },
});
export const uvLockAnalyzer = langAnalyzer({ name: 'python-uv-lock', ecosystem: 'pypi', source: 'uv.lock', modes: ['fs'], wants: projectFile('uv.lock'), parse: parseUvLock });
export const pylockAnalyzer = langAnalyzer({ name: 'python-pylock', ecosystem: 'pypi', source: 'pylock.toml', modes: ['fs'], wants: (p) => /^pylock(\.[\w-]+)?\.toml$/.test(baseName(p)) && outsideVendorTrees(p), parse: parsePylock });
