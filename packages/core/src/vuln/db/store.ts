/**
 * The advisory store: a SQLite file (better-sqlite3) with a versioned schema. Imports run in
 * one transaction per source, replacing that source's previous rows, so an interrupted import
 * leaves the previous data intact. Look-ups are by (namespace, package).
 */
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { BulwarkError } from '../../model/errors.js';
import type { Severity } from '../../model/finding.js';
import type { Advisory, AffectedData } from './advisory.js';
import { DDL, SCHEMA_VERSION } from './schema.js';

interface Statement {
  run(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
}
interface Database {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  transaction<T extends unknown[]>(fn: (...args: T) => void): (...args: T) => void;
  pragma(sql: string): unknown;
  close(): void;
}
type DatabaseCtor = new (path: string, options?: { readonly?: boolean; fileMustExist?: boolean }) => Database;

export interface AffectedRow {
  source: string;
  vulnId: string;
  data: AffectedData;
}

/** An advisory's descriptive fields as stored, with the source it came from. */
export type VulnerabilityRow = Pick<Advisory, 'id' | 'aliases' | 'summary' | 'severity' | 'vendorSeverity' | 'cvss' | 'references'> & { source: string };

export interface SourceStatus {
  name: string;
  format: string;
  origin: string;
  importedAt: string;
  records: number;
}

export class AdvisoryStore {
  /** Lookups run once per package and per finding; their statements are prepared once. */
  private affectedQuery?: Statement;
  private vulnerabilityQuery?: Statement;

  private constructor(
    private readonly db: Database,
    readonly path: string,
  ) {}

  static open(path: string, options: { readonly?: boolean } = {}): AdvisoryStore {
    const Ctor = createRequire(import.meta.url)('better-sqlite3') as DatabaseCtor;
    let db: Database;
    try {
      if (!options.readonly) mkdirSync(dirname(path), { recursive: true });
      db = new Ctor(path, options.readonly ? { readonly: true, fileMustExist: true } : {});
    } catch (err) {
      throw new BulwarkError('INPUT_NOT_FOUND', path, `cannot open the advisory database: ${err instanceof Error ? err.message : String(err)}`);
    }
    const store = new AdvisoryStore(db, path);
    if (!options.readonly) {
      db.exec(DDL);
      db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)").run(String(SCHEMA_VERSION));
    }
    const schema = (db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value?: string } | undefined)?.value;
    if (schema !== String(SCHEMA_VERSION)) {
      db.close();
      throw new BulwarkError('MALFORMED_PACKAGE_DB', path, `advisory database schema ${schema ?? 'unknown'} is not supported (expected ${SCHEMA_VERSION}); re-import it`);
    }
    return store;
  }

  /** Replace everything from `source` with `advisories`, atomically. */
  importSource(source: { name: string; format: string; origin: string }, advisories: Iterable<Advisory>): number {
    let count = 0;
    const delV = this.db.prepare('DELETE FROM vulnerabilities WHERE source = ?');
    const delA = this.db.prepare('DELETE FROM affected WHERE source = ?');
    const insV = this.db.prepare('INSERT OR REPLACE INTO vulnerabilities (source, id, aliases, summary, severity, vendor_severity, cvss, refs, published, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const insA = this.db.prepare('INSERT INTO affected (namespace, package, source, vuln_id, kind, data) VALUES (?, ?, ?, ?, ?, ?)');
    const insS = this.db.prepare('INSERT OR REPLACE INTO sources (name, format, origin, imported_at, records) VALUES (?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      delV.run(source.name);
      delA.run(source.name);
      for (const a of advisories) {
        insV.run(source.name, a.id, JSON.stringify(a.aliases), a.summary ?? null, a.severity ?? null, a.vendorSeverity ? JSON.stringify(a.vendorSeverity) : null, JSON.stringify(a.cvss), JSON.stringify(a.references), a.published ?? null, a.modified ?? null);
        for (const e of a.affected) insA.run(e.namespace, e.package, source.name, a.id, e.data.kind, JSON.stringify(e.data));
        count++;
      }
      insS.run(source.name, source.format, source.origin, new Date().toISOString(), count);
    })();
    return count;
  }

  affected(namespace: string, pkg: string): AffectedRow[] {
    this.affectedQuery ??= this.db.prepare('SELECT source, vuln_id, data FROM affected WHERE namespace = ? AND package = ?');
    const rows = this.affectedQuery.all(namespace, pkg) as { source: string; vuln_id: string; data: string }[];
    return rows.map((r) => ({ source: r.source, vulnId: r.vuln_id, data: JSON.parse(r.data) as AffectedData }));
  }

  vulnerability(source: string, id: string): VulnerabilityRow | undefined {
    this.vulnerabilityQuery ??= this.db.prepare('SELECT * FROM vulnerabilities WHERE source = ? AND id = ?');
    const r = this.vulnerabilityQuery.get(source, id) as Record<string, string | null> | undefined;
    if (!r) return undefined;
    const row: VulnerabilityRow = { source, id, aliases: JSON.parse(r.aliases ?? '[]') as string[], cvss: JSON.parse(r.cvss ?? '[]') as VulnerabilityRow['cvss'], references: JSON.parse(r.refs ?? '[]') as string[] };
    if (r.summary) row.summary = r.summary;
    if (r.severity) row.severity = r.severity as Severity;
    if (r.vendor_severity) row.vendorSeverity = JSON.parse(r.vendor_severity) as Record<string, Severity>;
    return row;
  }

  status(): { schema: number; sources: SourceStatus[]; advisories: number; affected: number } {
    const sources = (this.db.prepare('SELECT name, format, origin, imported_at, records FROM sources ORDER BY name').all() as Record<string, string | number>[]).map((s) => ({
      name: String(s.name),
      format: String(s.format),
      origin: String(s.origin),
      importedAt: String(s.imported_at),
      records: Number(s.records),
    }));
    const count = (table: string): number => Number((this.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n);
    return { schema: SCHEMA_VERSION, sources, advisories: count('vulnerabilities'), affected: count('affected') };
  }

  close(): void {
    this.db.close();
  }
}
