/**
 * PHP Composer: composer.lock (`packages`, and `packages-dev` marked dev) in projects, and
 * `vendor/composer/installed.json` (both its v1 array and v2 object forms) where installed.
 */
import { baseName } from '../../../util/paths.js';
import { langAnalyzer, pkgKey, type LangPkg } from '../lang-package.js';
import { classify } from '../npm/dependency-graph.js';
import { pairedLockAnalyzer } from '../paired-lock.js';

interface ComposerPackage {
  name?: string;
  version?: string;
  require?: Record<string, string>;
  license?: string[] | string;
}

function toPkgs(list: ComposerPackage[], dev: (name: string) => boolean): LangPkg[] {
  const valid = list.filter((p) => p.name && p.version);
  const byName = new Map(valid.map((p) => [p.name as string, pkgKey(p.name as string, p.version as string)]));
  return valid.map((p) => {
    const deps = Object.keys(p.require ?? {}).map((n) => byName.get(n)).filter((k): k is string => k !== undefined);
    const licenses = Array.isArray(p.license) ? p.license : p.license ? [p.license] : [];
    return { name: p.name as string, version: p.version as string, licenses, ...(dev(p.name as string) ? { dev: true } : {}), ...(deps.length ? { dependsOn: deps } : {}) };
  });
}

export function parseComposerLock(content: Buffer): LangPkg[] {
  const lock = JSON.parse(content.toString('utf8')) as { packages?: ComposerPackage[]; 'packages-dev'?: ComposerPackage[] };
  const devNames = new Set((lock['packages-dev'] ?? []).map((p) => p.name));
  return toPkgs([...(lock.packages ?? []), ...(lock['packages-dev'] ?? [])], (n) => devNames.has(n));
}

export function parseInstalledJson(content: Buffer): LangPkg[] {
  const json = JSON.parse(content.toString('utf8')) as ComposerPackage[] | { packages?: ComposerPackage[]; 'dev-package-names'?: string[] };
  if (Array.isArray(json)) return toPkgs(json, () => false);
  const devNames = new Set(json['dev-package-names'] ?? []);
  return toPkgs(json.packages ?? [], (n) => devNames.has(n));
}

interface ComposerJson {
  prod: string[];
  dev: string[];
}

/** composer.json `require` / `require-dev`, without platform packages (php, ext-*, lib-*). */
export function parseComposerJson(content: Buffer): ComposerJson {
  const json = JSON.parse(content.toString('utf8')) as { require?: Record<string, string>; 'require-dev'?: Record<string, string> };
  const real = (n: string): boolean => n.includes('/');
  return { prod: Object.keys(json.require ?? {}).filter(real), dev: Object.keys(json['require-dev'] ?? {}).filter(real) };
}

export const composerLockAnalyzer = pairedLockAnalyzer<LangPkg[], ComposerJson>({
  name: 'php-composer-lock',
  ecosystem: 'composer',
  source: 'composer.lock',
  lockFile: 'composer.lock',
  manifestFile: 'composer.json',
  parseLock: parseComposerLock,
  parseManifest: parseComposerJson,
  combine(packages, manifest) {
    if (!manifest) return packages;
    const devFlags = new Map(packages.map((p) => [pkgKey(p.name, p.version), p.dev === true]));
    const byName = new Map(packages.map((p) => [p.name, pkgKey(p.name, p.version)]));
    classify(new Map(packages.map((p) => [pkgKey(p.name, p.version), p])), manifest, (name) => byName.get(name));
    // The lock's packages-dev section is authoritative for dev-ness.
    for (const p of packages) {
      if (devFlags.get(pkgKey(p.name, p.version))) p.dev = true;
      else delete p.dev;
    }
    return packages;
  },
});
export const composerInstalledAnalyzer = langAnalyzer({
  name: 'php-composer-installed',
  ecosystem: 'composer',
  source: 'composer-vendor',
  modes: ['image', 'fs'],
  wants: (p) => baseName(p) === 'installed.json' && (p === 'installed.json' || p.endsWith('composer/installed.json')),
  parse: parseInstalledJson,
});
