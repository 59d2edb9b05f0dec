/**
 * Smaller ecosystems' lockfiles: conan.lock (C/C++), mix.lock (Elixir/Hex), pubspec.lock
 * (Dart), Package.resolved (Swift PM) and Podfile.lock (CocoaPods).
 */
import { parse as parseYaml } from 'yaml';
import { langAnalyzer, pkgKey, type LangPkg, projectFile } from '../lang-package.js';

/** `zlib/1.2.12@user/channel#rev%ts` → name, version. */
function conanRef(ref: string): { name: string; version: string } | undefined {
  const m = /^([^/@#\s]+)\/([^@#\s]+)/.exec(ref);
  return m?.[1] && m[2] ? { name: m[1], version: m[2] } : undefined;
}

export function parseConanLock(content: Buffer): LangPkg[] {
  const json = JSON.parse(content.toString('utf8')) as {
    graph_lock?: { nodes?: Record<string, { ref?: string; requires?: string[] }> };
    requires?: string[];
    build_requires?: string[];
  };
  const nodes = json.graph_lock?.nodes;
  if (nodes) {
    const keyOf = new Map<string, string>();
    const out = new Map<string, LangPkg>();
    for (const [id, n] of Object.entries(nodes)) {
      const ref = n.ref ? conanRef(n.ref) : undefined;
      if (!ref) continue;
      keyOf.set(id, pkgKey(ref.name, ref.version));
      out.set(id, { name: ref.name, version: ref.version, relationship: 'indirect' });
    }
    const rootDeps = new Set(nodes['0']?.requires ?? []);
    for (const [id, n] of Object.entries(nodes)) {
      const pkg = out.get(id);
      if (!pkg) continue;
      if (rootDeps.has(id)) pkg.relationship = 'direct';
      const deps = (n.requires ?? []).map((r) => keyOf.get(r)).filter((k): k is string => k !== undefined);
      if (deps.length) pkg.dependsOn = deps;
    }
    return [...out.values()];
  }
  // Conan 2 lockfiles list references only.
  return [...(json.requires ?? [])].map(conanRef).filter((r): r is { name: string; version: string } => r !== undefined).map((r) => ({ ...r }));
}

export function parseMixLock(content: Buffer): LangPkg[] {
  const out: LangPkg[] = [];
  content
    .toString('utf8')
    .split('\n')
    .forEach((line, i) => {
      const m = /^\s*"[^"]+":\s*\{:hex,\s*:"?([A-Za-z0-9_]+)"?,\s*"([^"]+)"/.exec(line);
      if (m?.[1] && m[2]) out.push({ name: m[1], version: m[2], line: i + 1 });
    });
  return out;
}

export function parsePubspecLock(content: Buffer): LangPkg[] {
  const doc = parseYaml(content.toString('utf8')) as { packages?: Record<string, { dependency?: string; version?: string; source?: string }> };
  const out: LangPkg[] = [];
  for (const [name, p] of Object.entries(doc.packages ?? {})) {
    if (!p.version || p.source === 'sdk') continue;
    const dep = p.dependency ?? '';
    out.push({ name, version: p.version, relationship: dep.startsWith('direct') ? 'direct' : 'indirect', ...(dep === 'direct dev' ? { dev: true } : {}) });
  }
  return out;
}

export function parsePackageResolved(content: Buffer): LangPkg[] {
  const json = JSON.parse(content.toString('utf8')) as { object?: { pins?: Pin[] }; pins?: Pin[] };
  const pins = json.object?.pins ?? json.pins ?? [];
  const out: LangPkg[] = [];
  for (const pin of pins) {
    const url = pin.repositoryURL ?? pin.location;
    const version = pin.state?.version;
    if (!url || !version) continue;
    const name = url.replace(/^[a-z+]+:\/\//, '').replace(/^git@([^:]+):/, '$1/').replace(/\.git$/, '');
    out.push({ name, version });
  }
  return out;
}

interface Pin {
  repositoryURL?: string;
  location?: string;
  state?: { version?: string | null };
}

export function parsePodfileLock(content: Buffer): LangPkg[] {
  const doc = parseYaml(content.toString('utf8')) as { PODS?: (string | Record<string, string[]>)[] };
  const out = new Map<string, LangPkg>();
  const spec = (s: string): { name: string; version: string } | undefined => {
    const m = /^(\S+) \(([^)]+)\)$/.exec(s.trim());
    return m?.[1] && m[2] ? { name: m[1], version: m[2] } : undefined;
  };
  for (const item of doc.PODS ?? []) {
    const head = typeof item === 'string' ? item : Object.keys(item)[0];
    const s = head ? spec(head) : undefined;
    if (s) out.set(pkgKey(s.name, s.version), { ...s });
  }
  return [...out.values()];
}

export const conanLockAnalyzer = langAnalyzer({ name: 'conan-lock', ecosystem: 'conan', source: 'conan.lock', modes: ['fs'], wants: projectFile('conan.lock'), parse: parseConanLock });
export const mixLockAnalyzer = langAnalyzer({ name: 'hex-mix-lock', ecosystem: 'hex', source: 'mix.lock', modes: ['fs'], wants: projectFile('mix.lock'), parse: parseMixLock });
export const pubspecLockAnalyzer = langAnalyzer({ name: 'dart-pubspec-lock', ecosystem: 'pub', source: 'pubspec.lock', modes: ['fs'], wants: projectFile('pubspec.lock'), parse: parsePubspecLock });
export const swiftResolvedAnalyzer = langAnalyzer({ name: 'swift-package-resolved', ecosystem: 'swift', source: 'Package.resolved', modes: ['fs'], wants: projectFile('Package.resolved'), parse: parsePackageResolved });
export const podfileLockAnalyzer = langAnalyzer({ name: 'cocoapods-podfile-lock', ecosystem: 'cocoapods', source: 'Podfile.lock', modes: ['fs'], wants: projectFile('Podfile.lock'), parse: parsePodfileLock });
