/**
 * yarn.lock, classic (v1, its own indented format) and Berry (v2+, YAML), combined with the
 * package.json beside it for the root package, direct dependencies and dev-only packages.
 */
import { parse as parseYaml } from 'yaml';
import { pkgKey, type LangPkg } from '../lang-package.js';
import { pairedLockAnalyzer } from '../paired-lock.js';
import { classify } from './dependency-graph.js';

export interface YarnEntry {
  specs: string[];
  name: string;
  version: string;
  /** `name@range` specs of its dependencies. */
  deps: string[];
  line: number;
  workspace: boolean;
}

export interface YarnManifest {
  name?: string;
  version?: string;
  prod: string[];
  dev: string[];
}

/** `@scope/name@^1.0.0` → `@scope/name`; `name@npm:^1` → `name`. */
export function specName(spec: string): string {
  const at = spec.indexOf('@', 1);
  return at < 0 ? spec : spec.slice(0, at);
}

const unquote = (s: string): string => s.trim().replace(/^"(.*)"$/, '$1');

function parseClassic(text: string): YarnEntry[] {
  const entries: YarnEntry[] = [];
  let cur: YarnEntry | undefined;
  let inDeps = false;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const indent = line.length - line.trimStart().length;
    if (indent === 0) {
      if (cur?.version) entries.push(cur);
      const specs = line.replace(/:$/, '').split(/,\s*/).map(unquote);
      cur = { specs, name: specName(specs[0] ?? ''), version: '', deps: [], line: i + 1, workspace: false };
      inDeps = false;
      return;
    }
    if (!cur) return;
    const body = line.trim();
    if (indent === 2) {
      inDeps = body === 'dependencies:' || body === 'optionalDependencies:';
      const m = /^version\s+"?([^"]+)"?$/.exec(body);
      if (m?.[1]) cur.version = m[1];
      return;
    }
    if (inDeps && indent >= 4) {
      const m = /^("?[^"\s]+"?)\s+"?([^"]*)"?$/.exec(body);
      if (m?.[1]) cur.deps.push(`${unquote(m[1])}@${m[2] ?? ''}`);
    }
  });
  if (cur?.version) entries.push(cur);
  return entries;
}

interface BerryEntry {
  version?: string;
  resolution?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function parseBerry(text: string): YarnEntry[] {
  const doc = parseYaml(text) as Record<string, BerryEntry>;
  const out: YarnEntry[] = [];
  for (const [key, e] of Object.entries(doc ?? {})) {
    if (key === '__metadata' || !e?.version) continue;
    const specs = key.split(/,\s*/);
    const resolution = e.resolution ?? specs[0] ?? '';
    const workspace = resolution.includes('@workspace:');
    const deps = Object.entries({ ...e.dependencies, ...e.optionalDependencies }).map(([n, r]) => `${n}@${r.includes(':') ? r : `npm:${r}`}`);
    out.push({ specs, name: specName(resolution), version: e.version, deps, line: 0, workspace });
  }
  return out;
}

export function parseYarnLock(text: string): YarnEntry[] {
  return /^__metadata:/m.test(text) ? parseBerry(text) : parseClassic(text);
}

interface Manifest {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export function yarnPackages(entries: YarnEntry[], manifest: YarnManifest | undefined): LangPkg[] {
  const bySpec = new Map<string, string>();
  const packages = new Map<string, LangPkg>();
  for (const e of entries) {
    const key = pkgKey(e.name, e.version);
    for (const s of e.specs) bySpec.set(s, key);
    if (e.workspace) continue;
    packages.set(key, { name: e.name, version: e.version, ...(e.line ? { line: e.line } : {}) });
  }
  const lookup = (spec: string): string | undefined => bySpec.get(spec) ?? bySpec.get(spec.replace('@npm:', '@'));
  for (const e of entries) {
    const pkg = packages.get(pkgKey(e.name, e.version));
    if (!pkg) continue;
    const deps = e.deps.map(lookup).filter((k): k is string => k !== undefined);
    if (deps.length) pkg.dependsOn = deps;
  }
  if (!manifest) return [...packages.values()];
  // Direct dependencies name the spec written in package.json; resolve them through the lock.
  const resolveDirect = (name: string): string | undefined => {
    for (const [spec, key] of bySpec) if (specName(spec) === name && packages.has(key)) return key;
    return undefined;
  };
  classify(packages, { prod: manifest.prod, dev: manifest.dev }, (name) => resolveDirect(name));
  if (manifest.name && manifest.version) {
    const rootDeps = manifest.prod.map(resolveDirect).filter((k): k is string => k !== undefined);
    packages.set(pkgKey(manifest.name, manifest.version), { name: manifest.name, version: manifest.version, relationship: 'root', ...(rootDeps.length ? { dependsOn: rootDeps } : {}) });
  }
  return [...packages.values()];
}

export const yarnLockAnalyzer = pairedLockAnalyzer<YarnEntry[], YarnManifest>({
  name: 'npm-yarn-lock',
  ecosystem: 'npm',
  source: 'yarn.lock',
  lockFile: 'yarn.lock',
  manifestFile: 'package.json',
  parseLock: (content) => parseYarnLock(content.toString('utf8')),
  parseManifest(content) {
    const m = JSON.parse(content.toString('utf8')) as Manifest;
    return {
      ...(typeof m.name === 'string' ? { name: m.name } : {}),
      ...(typeof m.version === 'string' ? { version: m.version } : {}),
      prod: Object.keys({ ...m.dependencies, ...m.optionalDependencies, ...m.peerDependencies }),
      dev: Object.keys(m.devDependencies ?? {}),
    };
  },
  combine: yarnPackages,
});
