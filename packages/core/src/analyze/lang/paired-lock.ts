/**
 * Lockfiles that need the manifest beside them (yarn.lock + package.json, Cargo.lock +
 * Cargo.toml, poetry.lock + pyproject.toml, composer.lock + composer.json): both files are
 * parsed per layer, and paired by directory when the inventory is assembled.
 */
import type { LangPackageType, Package } from '../../model/package.js';
import type { PackageAnalyzer } from '../analyzer.js';
import { baseName } from '../../util/paths.js';
import { toPackages, type LangPkg, projectFile } from './lang-package.js';

export type PairedData<L, M> = { kind: 'lock'; lock: L } | { kind: 'manifest'; manifest: M };

export interface PairedSpec<L, M> {
  name: string;
  ecosystem: LangPackageType;
  source: string;
  lockFile: string;
  manifestFile: string;
  parseLock(content: Buffer): L;
  parseManifest(content: Buffer): M;
  combine(lock: L, manifest: M | undefined): LangPkg[];
}

const dirOf = (p: string): string => p.slice(0, Math.max(0, p.lastIndexOf('/')));

export function pairedLockAnalyzer<L, M>(spec: PairedSpec<L, M>): PackageAnalyzer<PairedData<L, M>> {
  return {
    name: spec.name,
    kind: 'lang-packages',
    version: 1,
    modes: ['fs'],
    maxFileSize: 64 * 1024 * 1024,
    wants: projectFile(spec.lockFile, spec.manifestFile),
    analyze({ path, content }) {
      return baseName(path) === spec.lockFile ? { kind: 'lock', lock: spec.parseLock(content) } : { kind: 'manifest', manifest: spec.parseManifest(content) };
    },
    assemble(ctx) {
      const manifests = new Map<string, M>();
      for (const r of ctx.results) if (r.data.kind === 'manifest') manifests.set(dirOf(r.path), r.data.manifest);
      const out: Package[] = [];
      for (const r of ctx.results) {
        if (r.data.kind !== 'lock') continue;
        const packages = spec.combine(r.data.lock, manifests.get(dirOf(r.path)));
        out.push(...toPackages(spec.ecosystem, spec.source, { ...r, data: { packages } }));
      }
      return out;
    },
  };
}
