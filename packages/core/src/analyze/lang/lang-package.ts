/**
 * What language parsers produce, and the shared step that turns it into Packages: purl per
 * ecosystem, location (file, layer, line), relationship, dev flag and dependency edges.
 * A parser only reads its format; `langAnalyzer` wires it into the analyzer table.
 */
import { PackageURL } from 'packageurl-js';
import type { LangPackageType, Package, Relationship } from '../../model/package.js';
import { baseName } from '../../util/paths.js';
import type { AssembleContext, FinalResult, PackageAnalyzer, ScanMode } from '../analyzer.js';

export interface LangPkg {
  name: string;
  version: string;
  relationship?: Relationship;
  dev?: boolean;
  /** Keys (`name@version`) of dependencies listed in the same file. */
  dependsOn?: string[];
  line?: number;
  licenses?: string[];
  /** Path of the package inside an archive (nested jars), appended to the file path. */
  innerPath?: string;
}

export interface LangFileData {
  packages: LangPkg[];
  /** Parts of the file that were skipped (nested too deep, oversized entries…). */
  warnings?: string[];
}

export const pkgKey = (name: string, version: string): string => `${name}@${version}`;

/** PEP 503: runs of -, _ and . become one -, lower case. */
export function pep503(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

export function langPurl(type: LangPackageType, name: string, version: string): string {
  let namespace: string | undefined;
  let short = name;
  switch (type) {
    case 'npm':
      if (name.startsWith('@') && name.includes('/')) [namespace, short] = name.split('/', 2) as [string, string];
      break;
    case 'pypi':
      short = pep503(name);
      break;
    case 'maven': {
      const i = name.indexOf(':');
      // Coordinates known only from a file name have no groupId; the purl spec requires a
      // namespace, so the artifactId stands in for it (as Syft does).
      if (i > 0) [namespace, short] = [name.slice(0, i), name.slice(i + 1)];
      else namespace = name;
      break;
    }
    case 'golang':
    case 'composer':
    case 'swift': {
      const i = name.lastIndexOf('/');
      if (i > 0) [namespace, short] = [name.slice(0, i), name.slice(i + 1)];
      break;
    }
    default:
      break;
  }
  return new PackageURL(type, namespace, short, version || undefined, undefined, undefined).toString().replaceAll('+', '%2B');
}

export interface LangAnalyzerSpec {
  name: string;
  ecosystem: LangPackageType;
  /** Shown as the package `source` (package-lock.json, node_modules, jar…). */
  source: string;
  modes: readonly ScanMode[];
  wants(path: string, mode?: number): boolean;
  parse(content: Buffer, path: string): LangPkg[] | LangFileData | Promise<LangPkg[] | LangFileData>;
  maxFileSize?: number;
  version?: number;
  sniff?(head: Buffer): boolean;
}

/** Paths inside dependency trees are other projects' files, not this project's lockfiles. */
export function outsideVendorTrees(path: string): boolean {
  return !/(^|\/)(node_modules|vendor|\.git)\//.test(path);
}

/** `wants` for a project file known by its exact base name(s), outside vendored trees. */
export function projectFile(...names: string[]): (path: string) => boolean {
  return (path) => names.includes(baseName(path)) && outsideVendorTrees(path);
}

export function toPackages(type: LangPackageType, source: string, result: FinalResult<LangFileData>): Package[] {
  const purls = new Map<string, string>();
  for (const p of result.data.packages) purls.set(pkgKey(p.name, p.version), langPurl(type, p.name, p.version));
  return result.data.packages.map((p) => {
    const path = `/${result.path}${p.innerPath ? `!/${p.innerPath}` : ''}`;
    const pkg: Package = {
      type,
      name: p.name,
      version: p.version,
      licenses: p.licenses ?? [],
      purl: purls.get(pkgKey(p.name, p.version)) as string,
      locations: [{ path, ...(result.layer ? { layer: result.layer } : {}), ...(p.line ? { line: p.line } : {}) }],
      files: [],
      source,
    };
    if (result.layer) pkg.layer = result.layer;
    if (p.relationship) pkg.relationship = p.relationship;
    if (p.dev) pkg.dev = true;
    const deps = (p.dependsOn ?? []).map((k) => purls.get(k)).filter((x): x is string => x !== undefined);
    if (deps.length > 0) pkg.dependsOn = [...new Set(deps)].sort();
    return pkg;
  });
}

export function langAnalyzer(spec: LangAnalyzerSpec): PackageAnalyzer<LangFileData> {
  return {
    name: spec.name,
    kind: 'lang-packages',
    version: spec.version ?? 1,
    modes: spec.modes,
    maxFileSize: spec.maxFileSize ?? 64 * 1024 * 1024,
    wants: spec.wants,
    ...(spec.sniff ? { sniff: spec.sniff } : {}),
    async analyze({ content, path }) {
      const parsed = await spec.parse(content, path);
      const data: LangFileData = Array.isArray(parsed) ? { packages: parsed } : parsed;
      return data.packages.length > 0 || data.warnings?.length ? data : undefined;
    },
    assemble(ctx: AssembleContext<LangFileData>) {
      for (const r of ctx.results) {
        for (const w of r.data.warnings ?? []) ctx.report({ level: 'warning', code: 'SKIPPED_FILE', input: `/${r.path}`, message: w });
      }
      return ctx.results.flatMap((r) => toPackages(spec.ecosystem, spec.source, r));
    },
  };
}

