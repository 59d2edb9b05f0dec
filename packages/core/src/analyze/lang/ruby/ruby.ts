/**
 * Ruby: Gemfile.lock (GEM specs, DEPENDENCIES for direct gems) in projects, and installed
 * gems' `specifications/*.gemspec` (name, version, licences read from the Ruby source as
 * literals, never evaluated).
 */
import { langAnalyzer, pkgKey, type LangPkg, projectFile } from '../lang-package.js';

/** `1.10.4-x86_64-linux` → `1.10.4`: platform gems carry the platform in the version. */
const stripPlatform = (v: string): string => v.replace(/-(?:x86|x64|arm|aarch64|universal|java|mingw|mswin|darwin|linux|musl)[\w.-]*$/, '');

export function parseGemfileLock(content: Buffer): LangPkg[] {
  const lines = content.toString('utf8').split('\n');
  const packages = new Map<string, LangPkg>();
  const versionOf = new Map<string, string>();
  const depsOf = new Map<string, string[]>();
  const direct = new Set<string>();
  let section = '';
  let inSpecs = false;
  let current: string | undefined;
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (/^[A-Z]/.test(line)) {
      section = line.trim();
      inSpecs = false;
      return;
    }
    if (section === 'DEPENDENCIES') {
      const name = /^\s{2}([^\s!(]+)/.exec(line)?.[1];
      if (name) direct.add(name);
      return;
    }
    if (section !== 'GEM' && section !== 'GIT' && section !== 'PATH') return;
    if (line.trim() === 'specs:') {
      inSpecs = true;
      return;
    }
    if (!inSpecs) return;
    const spec = /^ {4}([^\s(]+) \(([^)]+)\)$/.exec(line);
    if (spec?.[1] && spec[2]) {
      current = spec[1];
      const version = stripPlatform(spec[2]);
      versionOf.set(current, version);
      packages.set(current, { name: current, version, line: i + 1 });
      return;
    }
    const dep = /^ {6}([^\s(]+)/.exec(line)?.[1];
    if (dep && current) depsOf.set(current, [...(depsOf.get(current) ?? []), dep]);
  });
  for (const [name, pkg] of packages) {
    const deps = (depsOf.get(name) ?? []).map((d) => (versionOf.has(d) ? pkgKey(d, versionOf.get(d) as string) : undefined)).filter((k): k is string => k !== undefined);
    if (deps.length) pkg.dependsOn = deps;
    if (direct.size > 0) pkg.relationship = direct.has(name) ? 'direct' : 'indirect';
  }
  return [...packages.values()];
}

export function parseGemspec(content: Buffer): LangPkg[] {
  const text = content.toString('utf8');
  const name = /\.name\s*=\s*["']([^"']+)["']/.exec(text)?.[1];
  const version = /\.version\s*=\s*(?:Gem::Version\.new\()?\s*["']([^"']+)["']/.exec(text)?.[1];
  if (!name || !version) return [];
  const licenses: string[] = [];
  const list = /\.licenses\s*=\s*\[([^\]]*)\]/.exec(text)?.[1];
  const one = /\.license\s*=\s*["']([^"']+)["']/.exec(text)?.[1];
  if (list) for (const m of list.matchAll(/["']([^"']+)["']/g)) licenses.push(m[1] as string);
  else if (one) licenses.push(one);
  return [{ name, version, licenses }];
}

export const gemfileLockAnalyzer = langAnalyzer({ name: 'ruby-gemfile-lock', ecosystem: 'gem', source: 'Gemfile.lock', modes: ['fs'], wants: projectFile('Gemfile.lock', 'gems.locked'), parse: parseGemfileLock });
export const gemspecAnalyzer = langAnalyzer({
  name: 'ruby-gemspec',
  ecosystem: 'gem',
  source: 'gemspec',
  modes: ['image', 'fs'],
  maxFileSize: 1024 * 1024,
  wants: (p) => /(?:^|\/)specifications\/[^/]+\.gemspec$/.test(p),
  parse: parseGemspec,
});
