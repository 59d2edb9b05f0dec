/**
 * Which advisory feeds `bulwark db update` downloads, and from where. The built-in list names
 * the public upstream files; a feeds file (YAML) or `--mirror BASE` points the same relative
 * paths at an internal mirror for air-gapped networks.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { BulwarkError } from '../../model/errors.js';

export interface Feed {
  /** Stable name; also the cached file's name. */
  name: string;
  /** Tried in order: the first answers, the next is used on 429/5xx or network failure. */
  urls: string[];
}

/** Relative paths of the built-in feeds (joined to each base URL). */
export const BUILTIN_FEED_PATHS: Record<string, string> = {
  'osv-go': 'osv/Go/all.zip',
  'osv-pypi': 'osv/PyPI/all.zip',
  'osv-npm': 'osv/npm/all.zip',
  'osv-crates': 'osv/crates.io/all.zip',
  'osv-maven': 'osv/Maven/all.zip',
  'osv-rubygems': 'osv/RubyGems/all.zip',
  'osv-packagist': 'osv/Packagist/all.zip',
  'osv-nuget': 'osv/NuGet/all.zip',
  'alpine-v3.19-main': 'alpine/v3.19/main.json',
  'alpine-v3.20-main': 'alpine/v3.20/main.json',
};

const OSV = 'https://osv-vulnerabilities.storage.googleapis.com';
const SECDB = 'https://secdb.alpinelinux.org';

/** The public upstream location of each built-in feed (used when no mirror is configured). */
export const UPSTREAM_FEEDS: Feed[] = Object.entries(BUILTIN_FEED_PATHS).map(([name, path]) => ({
  name,
  urls: [path.startsWith('osv/') ? `${OSV}/${path.slice(4)}` : `${SECDB}/${path.slice('alpine/'.length)}`],
}));

export function feedsFromBases(bases: readonly string[], paths: Record<string, string> = BUILTIN_FEED_PATHS): Feed[] {
  return Object.entries(paths).map(([name, path]) => ({ name, urls: bases.map((b) => `${b.replace(/\/+$/, '')}/${path}`) }));
}

/** A feeds file: `feeds: [{ name, urls: [...] }]` or `{ mirrors: [base…], paths: { name: path } }`. */
export function readFeedsFile(path: string): Feed[] {
  let doc: { feeds?: { name?: string; urls?: string[] }[]; mirrors?: string[]; paths?: Record<string, string> };
  try {
    doc = parseYaml(readFileSync(path, 'utf8')) as typeof doc;
  } catch (err) {
    throw new BulwarkError('MALFORMED_MANIFEST', path, `cannot read feeds file: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (Array.isArray(doc?.feeds)) {
    return doc.feeds.map((f, i) => {
      if (!f.name || !/^[\w.-]+$/.test(f.name) || !Array.isArray(f.urls) || f.urls.length === 0) {
        throw new BulwarkError('MALFORMED_MANIFEST', path, `feed ${i + 1} needs a name (letters, digits, . _ -) and at least one url`);
      }
      for (const u of f.urls) if (!/^https?:\/\//.test(u)) throw new BulwarkError('MALFORMED_MANIFEST', path, `feed ${f.name}: '${u}' is not an http(s) URL`);
      return { name: f.name, urls: f.urls };
    });
  }
  if (Array.isArray(doc?.mirrors) && doc.mirrors.length > 0) return feedsFromBases(doc.mirrors, doc.paths ?? BUILTIN_FEED_PATHS);
  throw new BulwarkError('MALFORMED_MANIFEST', path, 'expected `feeds:` or `mirrors:`');
}
