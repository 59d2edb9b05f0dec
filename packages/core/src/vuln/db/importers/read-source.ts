/**
 * Reads an advisory source from disk — a JSON file, JSON lines (optionally gzip'd), an OSV
 * `all.zip`, or a directory of JSON files — detects its format from the records, and turns it
 * into advisories. Formats not supported yet are refused with a clear error, never guessed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { BulwarkError } from '../../../model/errors.js';
import type { Advisory } from '../advisory.js';
import { isSecDb, secdbToAdvisories } from './alpine-secdb.js';
import { gitlabToAdvisory, nodeWgToAdvisory, rubySecToAdvisory } from './constraint-feeds.js';
import { osvToAdvisory } from './osv.js';
import { isOval, ovalToAdvisories } from './oval.js';
import { dsaListToAdvisories, isDsaList } from './debian-dsa.js';

export interface ImportedSource {
  name: string;
  format: string;
  advisories: Advisory[];
}

const MAX_SOURCE_BYTES = 2 * 1024 * 1024 * 1024;

/** Each record, with whether it came from a directory walk (where stray JSON files are skipped). */
function* records(path: string, inDirectory = false): Generator<[unknown, boolean]> {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.json')) yield* records(join(entry.parentPath, entry.name), true);
    }
    return;
  }
  if (st.size > MAX_SOURCE_BYTES) throw new BulwarkError('FILE_TOO_LARGE', path, 'advisory source larger than 2 GiB');
  let data: Buffer = readFileSync(path);
  if (path.endsWith('.zip')) {
    const files = unzipSync(data, { filter: (f) => f.name.endsWith('.json') });
    for (const bytes of Object.values(files)) yield [JSON.parse(Buffer.from(bytes).toString('utf8')), true];
    return;
  }
  if (data[0] === 0x1f && data[1] === 0x8b) data = gunzipSync(data);
  const text = data.toString('utf8');
  if (/\.jsonl(\.gz)?$/.test(path)) {
    for (const line of text.split('\n')) if (line.trim()) yield [JSON.parse(line), inDirectory];
    return;
  }
  yield [JSON.parse(text), inDirectory];
}

/** OVAL XML files (Debian, CBL-Mariner), plain or gzip'd. */
function readOval(path: string): ImportedSource | undefined {
  if (!/\.xml(\.gz)?$/.test(path) || statSync(path).isDirectory()) return undefined;
  let data: Buffer = readFileSync(path);
  if (data[0] === 0x1f && data[1] === 0x8b) data = gunzipSync(data);
  const xml = data.toString('utf8');
  if (!isOval(xml)) throw new BulwarkError('UNKNOWN_FORMAT', path, 'XML file is not an OVAL definitions document');
  const file = basename(path).replace(/\.gz$/, '');
  const advisories = ovalToAdvisories(xml, file);
  if (advisories.length === 0) throw new BulwarkError('UNKNOWN_FORMAT', path, 'no Debian or CBL-Mariner package definitions found in this OVAL file');
  return { name: `oval:${file.replace(/\.xml$/, '')}`, format: 'oval', advisories };
}

/** Debian security-tracker DSA/DLA lists (plain text). */
function readDsaList(path: string): ImportedSource | undefined {
  if (statSync(path).isDirectory() || /\.(json|jsonl|gz|zip|xml)$/.test(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  if (!isDsaList(text)) return undefined;
  return { name: `debian-tracker:${basename(dirname(path))}/${basename(path)}`, format: 'debian-tracker', advisories: dsaListToAdvisories(text) };
}

export function readAdvisorySource(path: string): ImportedSource {
  try {
    const oval = readOval(path) ?? readDsaList(path);
    if (oval) return oval;
  } catch (err) {
    if (err instanceof BulwarkError) throw err;
    throw new BulwarkError('MALFORMED_MANIFEST', path, `cannot read OVAL definitions: ${err instanceof Error ? err.message : String(err)}`);
  }
  const advisories: Advisory[] = [];
  let format: string | undefined;
  try {
    for (const [rec, inDirectory] of records(path)) {
      if (isSecDb(rec)) {
        format = 'alpine-secdb';
        advisories.push(...secdbToAdvisories(rec));
        continue;
      }
      const r = rec as Record<string, unknown>;
      if (typeof r.id === 'string' && Array.isArray(r.affected)) {
        format ??= 'osv';
        const a = osvToAdvisory(rec);
        if (a) advisories.push(a);
        continue;
      }
      const feed = 'module_name' in r ? (['nodejs-security-wg', nodeWgToAdvisory] as const) : 'gem' in r ? (['rubysec', rubySecToAdvisory] as const) : 'package_slug' in r ? (['gitlab', gitlabToAdvisory] as const) : undefined;
      if (feed) {
        format ??= feed[0];
        const a = feed[1](r);
        if (a) advisories.push(a);
        continue;
      }
      if (inDirectory || format) continue; // README-like JSON next to advisories, or an index record inside a known feed
      throw new BulwarkError('UNKNOWN_FORMAT', path, 'records are in no format Bulwark imports (OSV, Alpine secdb, Node Security WG, RubySec, GitLab advisories)');
    }
  } catch (err) {
    if (err instanceof BulwarkError) throw err;
    throw new BulwarkError('MALFORMED_MANIFEST', path, `cannot read advisories: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!format) throw new BulwarkError('UNKNOWN_FORMAT', path, 'no advisory records found');
  const stem = basename(path).replace(/\.(jsonl\.gz|jsonl|json|zip)$/, '');
  const name = format === 'alpine-secdb' ? `alpine-secdb:${basename(dirname(path))}/${basename(path)}` : `${format}:${stem}`;
  return { name, format, advisories };
}
