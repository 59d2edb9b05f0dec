/**
 * Installed npm packages. In images every package.json with a name and a version is a package
 * (as Trivy reads them: the application's own manifest included); in project checkouts only
 * `node_modules/<name>/package.json` (scoped names, nested trees, pnpm's
 * `.pnpm/<id>/node_modules/<name>` layout), since lockfiles describe the project itself.
 */
import { langAnalyzer, type LangPkg } from '../lang-package.js';

const MANIFEST = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/@.][^/]*)\/package\.json$/;

interface Manifest {
  name?: unknown;
  version?: unknown;
  license?: unknown;
  licenses?: unknown;
}

function licensesOf(m: Manifest): string[] {
  const one = (l: unknown): string | undefined => (typeof l === 'string' ? l : typeof l === 'object' && l !== null && typeof (l as { type?: unknown }).type === 'string' ? (l as { type: string }).type : undefined);
  if (m.license !== undefined) return [one(m.license)].filter((x): x is string => !!x);
  if (Array.isArray(m.licenses)) return m.licenses.map(one).filter((x): x is string => !!x);
  return [];
}

export function parseInstalledPackageJson(content: Buffer): LangPkg[] {
  const m = JSON.parse(content.toString('utf8')) as Manifest;
  if (typeof m.name !== 'string' || typeof m.version !== 'string' || !m.name || !m.version) return [];
  return [{ name: m.name, version: m.version, licenses: licensesOf(m) }];
}

export const installedPackageJsonAnalyzer = langAnalyzer({
  name: 'npm-installed',
  ecosystem: 'npm',
  source: 'node_modules',
  modes: ['image'],
  maxFileSize: 4 * 1024 * 1024,
  wants: (p) => p === 'package.json' || p.endsWith('/package.json'),
  parse: parseInstalledPackageJson,
});

export const nodeModulesAnalyzer = langAnalyzer({
  name: 'npm-node-modules',
  ecosystem: 'npm',
  source: 'node_modules',
  modes: ['fs'],
  maxFileSize: 4 * 1024 * 1024,
  wants: (p) => MANIFEST.test(p),
  parse: parseInstalledPackageJson,
});
