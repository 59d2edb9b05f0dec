/**
 * Pulls the raw package header blobs out of the three rpm database formats: SQLite
 * (`rpmdb.sqlite`, via better-sqlite3 from memory), NDB (`Packages.db`) and Berkeley DB hash
 * (`Packages`). The NDB and BDB readers are our own so that every length and page number read
 * from the file is bounds-checked and every page chain has a cycle guard.
 */
import { createRequire } from 'node:module';

export type RpmDbFormat = 'sqlite' | 'ndb' | 'bdb';

export class RpmDbError extends Error {}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const NDB_MAGIC = 0x506d7052; // "RpmP"
const NDB_SLOT_MAGIC = 0x746f6c53; // "Slot"
const NDB_BLOB_MAGIC = 0x53626c42; // "BlbS"
const BDB_HASH_MAGIC = 0x00061561;

export function sniffRpmDb(data: Buffer): RpmDbFormat | undefined {
  if (data.length >= 16 && data.subarray(0, 16).equals(SQLITE_MAGIC)) return 'sqlite';
  if (data.length >= 32 && data.readUInt32LE(0) === NDB_MAGIC) return 'ndb';
  if (data.length >= 72 && data.readUInt32LE(12) === BDB_HASH_MAGIC) return 'bdb';
  return undefined;
}

export function readRpmDbBlobs(data: Buffer): { format: RpmDbFormat; blobs: Buffer[] } {
  const format = sniffRpmDb(data);
  if (format === 'sqlite') return { format, blobs: sqliteBlobs(data) };
  if (format === 'ndb') return { format, blobs: ndbBlobs(data) };
  if (format === 'bdb') return { format, blobs: bdbBlobs(data) };
  throw new RpmDbError('not an rpm database (no SQLite, NDB or Berkeley DB hash signature)');
}

interface SqliteDatabase {
  prepare(sql: string): { all(): { blob: Buffer }[] };
  close(): void;
}
type SqliteCtor = new (data: Buffer, options: { readonly: boolean }) => SqliteDatabase;

let sqliteCtor: SqliteCtor | undefined;

function sqliteBlobs(data: Buffer): Buffer[] {
  // Loaded on first use: most images have no SQLite rpmdb and startup time matters.
  sqliteCtor ??= createRequire(import.meta.url)('better-sqlite3') as SqliteCtor;
  let db: SqliteDatabase;
  try {
    // The file may be in WAL mode (header bytes 18/19 = 2); an in-memory copy must not be.
    const copy = Buffer.from(data);
    if (copy[18] === 2) copy[18] = 1;
    if (copy[19] === 2) copy[19] = 1;
    db = new sqliteCtor(copy, { readonly: true });
  } catch (err) {
    throw new RpmDbError(`cannot open SQLite rpmdb: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return db.prepare('SELECT blob FROM Packages').all().map((r) => r.blob);
  } catch (err) {
    throw new RpmDbError(`cannot read Packages table: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    db.close();
  }
}

function ndbBlobs(data: Buffer): Buffer[] {
  const version = data.readUInt32LE(4);
  const slotPages = data.readUInt32LE(12);
  if (version !== 0) throw new RpmDbError(`unsupported NDB version ${version}`);
  if (slotPages === 0 || slotPages * 4096 > data.length) throw new RpmDbError(`NDB slot area (${slotPages} pages) does not fit the file`);
  const slots = slotPages * 256 - 2; // the 32-byte header occupies the first two slots
  const blobs: Buffer[] = [];
  for (let i = 0; i < slots; i++) {
    const at = 32 + i * 16;
    const magic = data.readUInt32LE(at);
    const pkgIndex = data.readUInt32LE(at + 4);
    const blockOffset = data.readUInt32LE(at + 8);
    if (magic !== NDB_SLOT_MAGIC) throw new RpmDbError(`bad NDB slot magic at slot ${i}`);
    if (pkgIndex === 0) continue;
    const start = blockOffset * 16;
    if (start + 16 > data.length) throw new RpmDbError(`NDB blob for package ${pkgIndex} lies outside the file`);
    if (data.readUInt32LE(start) !== NDB_BLOB_MAGIC || data.readUInt32LE(start + 4) !== pkgIndex) {
      throw new RpmDbError(`bad NDB blob header for package ${pkgIndex}`);
    }
    const length = data.readUInt32LE(start + 12);
    if (start + 16 + length > data.length) throw new RpmDbError(`NDB blob for package ${pkgIndex} is truncated`);
    blobs.push(data.subarray(start + 16, start + 16 + length));
  }
  return blobs;
}

const PAGE_HEADER = 26;
const P_HASH_UNSORTED = 2;
const P_HASH = 13;
const P_OVERFLOW = 7;
const H_OFFPAGE = 3;

function bdbBlobs(data: Buffer): Buffer[] {
  const pageSize = data.readUInt32LE(20);
  if (![512, 1024, 2048, 4096, 8192, 16384, 32768, 65536].includes(pageSize)) throw new RpmDbError(`invalid Berkeley DB page size ${pageSize}`);
  const pageCount = Math.floor(data.length / pageSize);
  const lastPage = Math.min(data.readUInt32LE(32), pageCount - 1);
  const blobs: Buffer[] = [];
  for (let pgno = 1; pgno <= lastPage; pgno++) {
    const page = data.subarray(pgno * pageSize, (pgno + 1) * pageSize);
    const type = page[25];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    const entries = page.readUInt16LE(20);
    if (PAGE_HEADER + entries * 2 > pageSize) throw new RpmDbError(`hash page ${pgno} claims ${entries} entries`);
    // Entries alternate key, value; rpm stores each header as an off-page value.
    for (let i = 1; i < entries; i += 2) {
      const at = page.readUInt16LE(PAGE_HEADER + i * 2);
      if (at + 12 > pageSize || page[at] !== H_OFFPAGE) continue;
      const firstPage = page.readUInt32LE(at + 4);
      const total = page.readUInt32LE(at + 8);
      blobs.push(readOverflow(data, pageSize, pageCount, firstPage, total));
    }
  }
  return blobs;
}

function readOverflow(data: Buffer, pageSize: number, pageCount: number, firstPage: number, total: number): Buffer {
  if (total > data.length) throw new RpmDbError(`overflow item of ${total} bytes is larger than the database`);
  const out = Buffer.alloc(total);
  let written = 0;
  let pgno = firstPage;
  const seen = new Set<number>();
  while (written < total) {
    if (pgno === 0 || pgno >= pageCount) throw new RpmDbError(`overflow chain points at page ${pgno}, outside the file`);
    if (seen.has(pgno)) throw new RpmDbError(`overflow chain loops at page ${pgno}`);
    seen.add(pgno);
    const page = data.subarray(pgno * pageSize, (pgno + 1) * pageSize);
    if (page[25] !== P_OVERFLOW) throw new RpmDbError(`page ${pgno} in an overflow chain is not an overflow page`);
    const n = Math.min(total - written, pageSize - PAGE_HEADER);
    page.copy(out, written, PAGE_HEADER, PAGE_HEADER + n);
    written += n;
    pgno = page.readUInt32LE(16);
  }
  return out;
}
