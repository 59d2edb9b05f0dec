/**
 * The advisory store's SQLite schema (versioned). One row per advisory in `vulnerabilities`,
 * one row per (namespace, package) an advisory affects in `affected`, indexed for the
 * per-package look-ups a scan makes.
 */
export const SCHEMA_VERSION = 2;

export const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
  name TEXT PRIMARY KEY,
  format TEXT NOT NULL,
  origin TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  records INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS vulnerabilities (
  source TEXT NOT NULL,
  id TEXT NOT NULL,
  aliases TEXT NOT NULL,
  summary TEXT,
  severity TEXT,
  vendor_severity TEXT,
  cvss TEXT,
  refs TEXT NOT NULL,
  published TEXT,
  modified TEXT,
  PRIMARY KEY (source, id)
);
CREATE TABLE IF NOT EXISTS affected (
  namespace TEXT NOT NULL,
  package TEXT NOT NULL,
  source TEXT NOT NULL,
  vuln_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS affected_lookup ON affected (namespace, package);
`;
