/**
 * The request variables rules read, built from a parsed request: scalars (REQUEST_METHOD,
 * REQUEST_URI, REQUEST_FILENAME, QUERY_STRING, …) and keyed collections (ARGS_GET, ARGS_POST,
 * ARGS, REQUEST_HEADERS, REQUEST_COOKIES and their _NAMES). Values are byte strings; argument
 * names and values are URL-decoded (`+` is a space), headers and cookies are as sent.
 * Collection keys match case-insensitively, as in ModSecurity.
 */
import { urlDecode } from '../transform/decode.js';
import type { RawRequest } from './raw-request.js';

const percentDecode = (text: string): string => (text.includes('%') ? urlDecode(text.replaceAll('+', '%2B')) : text);

/** A name and value as a parser produces them (a body argument, a part header). */
export interface Field {
  key: string;
  value: string;
}

/** One value as rules see it: `ARGS:id` → `1 OR 1=1`. */
export interface ValueView {
  name: string;
  value: string;
  /** Request data that cannot change during the transaction (its transformations may be cached). */
  stable: boolean;
  /**
   * Transformation chains known to leave `value` as it is, one bit per chain (`transformBit`):
   * the common case for benign data (about 95% of chain results on a CRS request), kept without
   * storing the result.
   */
  unchanged: number;
  /** Cached results of transformation chains that changed `value`: [chain key, result, …]. */
  transformed: string[] | undefined;
  /** `name` in lower case, made on first need (MATCHED_VARS keys). */
  lowerName: string | undefined;
}

export const valueView = (name: string, value: string, stable: boolean): ValueView => ({ name, value, stable, unchanged: 0, transformed: undefined, lowerName: undefined });

/** Gives a view a new value; what was cached about the old one goes. */
export function revalue(view: ValueView, value: string): void {
  view.value = value;
  view.unchanged = 0;
  view.transformed = undefined;
}

export interface Entry extends Field {
  /** `key` in lower case (keys match case-insensitively). */
  lower: string;
  /** How rules see this entry (`ARGS:id` → value), made once by the engine and kept in step with `value`. */
  view: ValueView | undefined;
  /** The collection name `view` was made for. */
  viewOf: string | undefined;
  /** This entry as a one-element list, made when a lookup by its key first needs one. */
  alone: readonly Entry[] | undefined;
}

const NO_ENTRIES: readonly Entry[] = Object.freeze([]);

/** The entry under `lower` when exactly one is (an unindexed collection's `set` updates it in place). */
function onlyEntry(entries: readonly Entry[], lower: string): Entry | undefined {
  let only: Entry | undefined;
  for (const e of entries) {
    if (e.lower !== lower) continue;
    if (only) return undefined;
    only = e;
  }
  return only;
}

/**
 * An ordered multi-map (a key may repeat: `?a=1&a=2`), looked up case-insensitively. The key
 * index maps a key to its one entry, or to a list only when the key repeats, and is made on the
 * first add (most collections of a request stay empty; CRS sets a hundred TX keys once each).
 * A collection made with `indexed = false` keeps no index (lookups scan) and reuses the entries
 * `clear` let go: for MATCHED_VARS, which is filled and emptied for every rule and almost never
 * looked up by key.
 */
export class Collection {
  readonly entries: Entry[] = [];
  private index: Map<string, Entry | Entry[]> | undefined;
  private readonly spare: Entry[] | undefined;
  constructor(indexed = true) {
    this.spare = indexed ? undefined : [];
  }
  /** `lower` may be passed when the caller already has the key in lower case. */
  add(key: string, value: string, lower?: string): void {
    const k = lower ?? key.toLowerCase();
    const reused = this.spare?.pop();
    if (reused) {
      reused.key = key;
      reused.value = value;
      reused.lower = k;
      reused.view = undefined;
      reused.viewOf = undefined;
      reused.alone = undefined;
      this.entries.push(reused);
      return;
    }
    const entry: Entry = { key, value, lower: k, view: undefined, viewOf: undefined, alone: undefined };
    this.entries.push(entry);
    if (this.spare) return;
    const index = (this.index ??= new Map());
    const known = index.get(k);
    if (known === undefined) index.set(k, entry);
    else if (Array.isArray(known)) known.push(entry);
    else index.set(k, [known, entry]);
  }
  get(key: string): readonly Entry[] {
    return this.getLower(key.toLowerCase());
  }
  /** `get` for a key already in lower case (compiled selectors keep one). */
  getLower(lowerKey: string): readonly Entry[] {
    if (this.spare) return this.entries.some((e) => e.lower === lowerKey) ? this.entries.filter((e) => e.lower === lowerKey) : NO_ENTRIES;
    const known = this.index?.get(lowerKey);
    if (known === undefined) return NO_ENTRIES;
    return Array.isArray(known) ? known : (known.alone ??= [known]);
  }
  /** The first entry under a key already in lower case (no list is made). */
  firstLower(lowerKey: string): Entry | undefined {
    if (this.spare) return this.entries.find((e) => e.lower === lowerKey);
    const known = this.index?.get(lowerKey);
    return Array.isArray(known) ? known[0] : known;
  }
  /** Replaces every entry under `key` with one (TX semantics); `lower` as for `add`. */
  set(key: string, value: string, lower?: string): void {
    const k = lower ?? key.toLowerCase();
    const known = this.spare ? onlyEntry(this.entries, k) : this.index?.get(k);
    if (known !== undefined && !Array.isArray(known)) {
      known.value = value;
      if (known.view) revalue(known.view, value);
      return;
    }
    this.remove(key, k);
    this.add(key, value, k);
  }
  remove(key: string, lower?: string): void {
    const k = lower ?? key.toLowerCase();
    if (this.spare ? !this.entries.some((e) => e.lower === k) : !this.index?.delete(k)) return;
    const kept = this.entries.filter((e) => e.lower !== k);
    this.entries.length = 0;
    this.entries.push(...kept);
  }
  clear(): void {
    if (this.entries.length === 0) return;
    if (this.spare) {
      for (let e = this.entries.pop(); e; e = this.entries.pop()) this.spare.push(e);
      return;
    }
    this.entries.length = 0;
    this.index?.clear();
  }
}

export interface RequestVariables {
  scalars: Map<string, string>;
  collections: Map<string, Collection>;
}

/** `a=1&b&c=x%20y` → entries (names and values URL-decoded). */
export function parseArguments(text: string, into: { add(key: string, value: string): void }, separator = '&'): void {
  if (!text) return;
  for (const part of text.split(separator)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    into.add(urlDecode(eq < 0 ? part : part.slice(0, eq)), eq < 0 ? '' : urlDecode(part.slice(eq + 1)));
  }
}

function parseCookies(header: string, into: Collection): void {
  for (const part of header.split(';')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    into.add(eq < 0 ? trimmed : trimmed.slice(0, eq), eq < 0 ? '' : trimmed.slice(eq + 1));
  }
}

const ABSOLUTE_FORM = /^[a-zA-Z][a-zA-Z0-9+.-]{0,20}:\/\/[^/?#]*/;

/** Splits an absolute-form target (`http://host/p?q`) into its path-and-query part. */
function originForm(uri: string): string {
  const m = ABSOLUTE_FORM.exec(uri);
  return m ? uri.slice(m[0].length) || '/' : uri;
}

/** The request line and headers of a request (no body yet). */
export interface RequestHead {
  method: string;
  uri: string;
  protocol: string;
  line: string;
  headers: readonly (readonly [string, string])[];
}

/** The named collection, created empty when missing. */
export const collectionOf = (collections: Map<string, Collection>, name: string): Collection => {
  let c = collections.get(name);
  if (!c) collections.set(name, (c = new Collection()));
  return c;
};

/** Rebuilds ARGS, the `_NAMES` views and ARGS_COMBINED_SIZE from ARGS_GET and ARGS_POST. */
export function deriveArgumentViews(vars: RequestVariables): void {
  const collection = (name: string): Collection => collectionOf(vars.collections, name);
  const args = new Collection();
  for (const e of [...collection('ARGS_GET').entries, ...collection('ARGS_POST').entries]) args.add(e.key, e.value);
  vars.collections.set('ARGS', args);
  for (const name of ['ARGS', 'ARGS_GET', 'ARGS_POST', 'REQUEST_HEADERS', 'REQUEST_COOKIES']) {
    // The `_NAMES` view: one entry per key, whose value is the key.
    const names = new Collection();
    for (const e of collection(name).entries) names.add(e.key, e.key, e.lower);
    vars.collections.set(`${name}_NAMES`, names);
  }
  vars.scalars.set('ARGS_COMBINED_SIZE', String(args.entries.reduce((n, e) => n + e.key.length + e.value.length, 0)));
}

/** Variables known once the request line and headers are in (phase 1). */
export function requestHeadVariables(request: RequestHead, remoteAddr = '127.0.0.1', separator = '&'): RequestVariables {
  const uri = originForm(request.uri);
  const q = uri.indexOf('?');
  const path = q < 0 ? uri : uri.slice(0, q);
  const query = q < 0 ? '' : uri.slice(q + 1);
  const collections = new Map<string, Collection>();
  const collection = (name: string): Collection => collectionOf(collections, name);
  const headers = collection('REQUEST_HEADERS');
  for (const [k, v] of request.headers) headers.add(k, v);
  const cookies = collection('REQUEST_COOKIES');
  for (const e of headers.get('cookie')) parseCookies(e.value, cookies);
  parseArguments(query, collection('ARGS_GET'), separator);
  collection('ARGS_POST');
  const slash = path.lastIndexOf('/');
  const scalars = new Map<string, string>([
    ['REQUEST_METHOD', request.method],
    ['REQUEST_PROTOCOL', request.protocol],
    ['REQUEST_LINE', request.line],
    ['REQUEST_URI', uri],
    ['REQUEST_URI_RAW', request.uri],
    // The path percent-decoded (not `+`), as ModSecurity and Coraza give it.
    ['REQUEST_FILENAME', percentDecode(path)],
    ['REQUEST_BASENAME', percentDecode(slash < 0 ? path : path.slice(slash + 1))],
    ['QUERY_STRING', query],
    ['REMOTE_ADDR', remoteAddr],
  ]);
  const vars = { scalars, collections };
  deriveArgumentViews(vars);
  return vars;
}

/** Head plus a URL-encoded body, in one step (what a form POST yields). */
export function requestVariables(request: RawRequest, remoteAddr = '127.0.0.1'): RequestVariables {
  const vars = requestHeadVariables(request, remoteAddr);
  const body = request.body.toString('latin1');
  const contentType = vars.collections.get('REQUEST_HEADERS')?.get('content-type')[0]?.value.toLowerCase() ?? '';
  if (contentType.startsWith('application/x-www-form-urlencoded')) parseArguments(body, collectionOf(vars.collections, 'ARGS_POST'));
  vars.scalars.set('REQUEST_BODY', body);
  vars.scalars.set('REQUEST_BODY_LENGTH', String(request.body.length));
  deriveArgumentViews(vars);
  return vars;
}
