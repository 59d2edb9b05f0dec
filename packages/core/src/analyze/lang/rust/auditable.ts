/**
 * Rust binaries built with cargo-auditable: the `.dep-v0` ELF section holds zlib-compressed
 * JSON listing every crate compiled in (the root crate marked `root`).
 */
import { inflateSync } from 'node:zlib';
import { langAnalyzer, pkgKey, type LangPkg } from '../lang-package.js';
import { isElf, isExecutable, parseElf } from '../binary/elf.js';

interface AuditPackage {
  name?: string;
  version?: string;
  kind?: string;
  root?: boolean;
  dependencies?: number[];
}

export function parseAuditableBinary(content: Buffer): LangPkg[] {
  const section = parseElf(content)?.section('.dep-v0');
  if (!section) return [];
  const json = JSON.parse(inflateSync(section, { maxOutputLength: 16 * 1024 * 1024 }).toString('utf8')) as { packages?: AuditPackage[] };
  const list = json.packages ?? [];
  return list
    .filter((p) => p.name && p.version && p.kind !== 'build')
    .map((p) => {
      const deps = (p.dependencies ?? []).map((i) => list[i]).filter((d): d is AuditPackage => !!d?.name && !!d.version).map((d) => pkgKey(d.name as string, d.version as string));
      return { name: p.name as string, version: p.version as string, ...(p.root ? { relationship: 'root' as const } : {}), ...(deps.length ? { dependsOn: deps } : {}) };
    });
}

export const rustBinaryAnalyzer = langAnalyzer({
  name: 'rust-binary',
  ecosystem: 'cargo',
  source: 'rustbinary',
  modes: ['image'],
  maxFileSize: 512 * 1024 * 1024,
  wants: isExecutable,
  sniff: isElf,
  parse: parseAuditableBinary,
});
