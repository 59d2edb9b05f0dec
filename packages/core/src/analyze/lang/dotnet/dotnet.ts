/**
 * .NET: `*.deps.json` (runtime dependency manifests next to built assemblies),
 * `packages.lock.json` (NuGet lock) and `Directory.Packages.props` (central versions).
 */
import { XMLParser } from 'fast-xml-parser';
import { baseName } from '../../../util/paths.js';
import { langAnalyzer, outsideVendorTrees, pkgKey, type LangPkg, projectFile } from '../lang-package.js';

export function parseDepsJson(content: Buffer): LangPkg[] {
  const json = JSON.parse(content.toString('utf8')) as {
    libraries?: Record<string, { type?: string }>;
    targets?: Record<string, Record<string, { dependencies?: Record<string, string> }>>;
  };
  const deps = new Map<string, string[]>();
  for (const target of Object.values(json.targets ?? {})) {
    for (const [id, entry] of Object.entries(target)) {
      deps.set(id.replace('/', '@'), Object.entries(entry.dependencies ?? {}).map(([n, v]) => pkgKey(n, v)));
    }
  }
  const out: LangPkg[] = [];
  for (const [id, lib] of Object.entries(json.libraries ?? {})) {
    const slash = id.lastIndexOf('/');
    if (slash <= 0 || (lib.type !== 'package' && lib.type !== 'project')) continue;
    const name = id.slice(0, slash);
    const version = id.slice(slash + 1);
    const dependsOn = deps.get(pkgKey(name, version)) ?? [];
    out.push({ name, version, ...(lib.type === 'project' ? { relationship: 'root' as const } : {}), ...(dependsOn.length ? { dependsOn } : {}) });
  }
  return out;
}

interface LockEntry {
  type?: string;
  resolved?: string;
  dependencies?: Record<string, string>;
}

export function parsePackagesLock(content: Buffer): LangPkg[] {
  const json = JSON.parse(content.toString('utf8')) as { dependencies?: Record<string, Record<string, LockEntry>> };
  const out = new Map<string, LangPkg>();
  for (const framework of Object.values(json.dependencies ?? {})) {
    for (const [name, e] of Object.entries(framework)) {
      if (!e.resolved || e.type === 'Project') continue;
      const key = pkgKey(name, e.resolved);
      const relationship = e.type === 'Direct' ? 'direct' : 'indirect';
      const existing = out.get(key);
      if (existing) {
        if (relationship === 'direct') existing.relationship = 'direct';
        continue;
      }
      out.set(key, { name, version: e.resolved, relationship });
    }
  }
  return [...out.values()];
}

export function parsePackagesProps(content: Buffer): LangPkg[] {
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => name === 'ItemGroup' || name === 'PackageVersion' }).parse(content.toString('utf8')) as {
    Project?: { ItemGroup?: { PackageVersion?: Record<string, string>[] }[] };
  };
  const out: LangPkg[] = [];
  for (const group of xml.Project?.ItemGroup ?? []) {
    for (const pv of group.PackageVersion ?? []) {
      const name = pv['@Include'] ?? pv['@Update'];
      const version = pv['@Version'];
      if (name && version && !version.includes('$(')) out.push({ name, version });
    }
  }
  return out;
}

export const depsJsonAnalyzer = langAnalyzer({ name: 'dotnet-deps', ecosystem: 'nuget', source: 'dotnet-core', modes: ['image', 'fs'], wants: (p) => p.endsWith('.deps.json'), parse: parseDepsJson });
export const packagesLockAnalyzer = langAnalyzer({ name: 'dotnet-packages-lock', ecosystem: 'nuget', source: 'packages.lock.json', modes: ['fs'], wants: projectFile('packages.lock.json'), parse: parsePackagesLock });
export const packagesPropsAnalyzer = langAnalyzer({ name: 'dotnet-packages-props', ecosystem: 'nuget', source: 'packages-props', modes: ['fs'], wants: (p) => /^Directory\.Packages\.props$/i.test(baseName(p)) && outsideVendorTrees(p), parse: parsePackagesProps });
