/**
 * Request variables: query and form arguments, headers, cookies, scalars; and on every query
 * string of the CRS suite, ARGS_GET agrees with Node's own URLSearchParams; the Collection
 * multi-map itself, indexed and not.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Collection, loadFtwTests, parseRawRequest, requestBytes, requestVariables } from '../src/index.js';

const vars = (text: string) => requestVariables(parseRawRequest(Buffer.from(text, 'latin1')), '10.0.0.1');

describe('requestVariables', () => {
  const v = vars('POST http://example.com/app/login.php?a=1&a=2&b&c=x+y%20z&%3Cq%3E=%27 HTTP/1.1\r\nHost: example.com\r\nCookie: sid=abc; theme=dark;x\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\nContent-Length: 22\r\n\r\nuser=admin&pass=s%3Bcr');
  const pairs = (name: string): { key: string; value: string }[] => v.collections.get(name)!.entries.map(({ key, value }) => ({ key, value }));
  const values = (name: string, key?: string): string[] => (key ? v.collections.get(name)!.get(key) : v.collections.get(name)!.entries).map((e) => e.value);

  it('splits and decodes query and form arguments, keeping repeats and order', () => {
    expect(pairs('ARGS_GET')).toEqual([
      { key: 'a', value: '1' },
      { key: 'a', value: '2' },
      { key: 'b', value: '' },
      { key: 'c', value: 'x y z' },
      { key: '<q>', value: "'" },
    ]);
    expect(values('ARGS_POST')).toEqual(['admin', 's;cr']);
    expect(values('ARGS')).toEqual(['1', '2', '', 'x y z', "'", 'admin', 's;cr']);
    expect(values('ARGS_NAMES')).toEqual(['a', 'a', 'b', 'c', '<q>', 'user', 'pass']);
    expect(v.scalars.get('ARGS_COMBINED_SIZE')).toBe(String('a1a2bcx y z<q>\'useradminpasss;cr'.length));
  });

  it('keeps headers and cookies as sent, looked up case-insensitively', () => {
    expect(values('REQUEST_HEADERS', 'HOST')).toEqual(['example.com']);
    expect(pairs('REQUEST_COOKIES')).toEqual([
      { key: 'sid', value: 'abc' },
      { key: 'theme', value: 'dark' },
      { key: 'x', value: '' },
    ]);
    expect(values('REQUEST_COOKIES_NAMES')).toEqual(['sid', 'theme', 'x']);
  });

  it('fills the scalars', () => {
    expect(Object.fromEntries(v.scalars)).toMatchObject({
      REQUEST_METHOD: 'POST',
      REQUEST_PROTOCOL: 'HTTP/1.1',
      REQUEST_URI: '/app/login.php?a=1&a=2&b&c=x+y%20z&%3Cq%3E=%27',
      REQUEST_URI_RAW: 'http://example.com/app/login.php?a=1&a=2&b&c=x+y%20z&%3Cq%3E=%27',
      REQUEST_FILENAME: '/app/login.php',
      REQUEST_BASENAME: 'login.php',
      QUERY_STRING: 'a=1&a=2&b&c=x+y%20z&%3Cq%3E=%27',
      REQUEST_BODY: 'user=admin&pass=s%3Bcr',
      REQUEST_BODY_LENGTH: '22',
      REMOTE_ADDR: '10.0.0.1',
    });
  });

  it('reads no form arguments from other content types', () => {
    expect(vars('POST / HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"a":1}').collections.get('ARGS_POST')!.entries).toEqual([]);
  });
});

const TESTS = resolve(import.meta.dirname, '../../../../shared/data/crs/tests/regression/tests');
describe.skipIf(!existsSync(TESTS))('CRS suite query strings', () => {
  it('ARGS_GET equals URLSearchParams wherever the escapes are well-formed UTF-8', () => {
    let compared = 0;
    const differing: string[] = [];
    for (const t of loadFtwTests(TESTS).tests) {
      for (const s of t.stages) {
        const v = requestVariables(parseRawRequest(requestBytes(s.input)));
        const query = v.scalars.get('QUERY_STRING') ?? '';
        const ours = v.collections.get('ARGS_GET')!.entries.map((e) => [Buffer.from(e.key, 'latin1').toString('utf8'), Buffer.from(e.value, 'latin1').toString('utf8')]);
        if (!query || ours.some(([k, val]) => `${k}${val}`.includes('\ufffd')) || /%(?![0-9a-fA-F]{2})/.test(query)) continue;
        let theirs: string[][];
        try {
          theirs = [...new URLSearchParams(Buffer.from(query, 'latin1').toString('utf8'))].map(([k, val]) => [k, val]);
        } catch {
          continue;
        }
        compared++;
        if (JSON.stringify(ours) !== JSON.stringify(theirs)) differing.push(t.name);
      }
    }
    expect(compared).toBeGreaterThan(500);
    expect(differing).toEqual([]);
  });
});

describe('Collection', () => {
  for (const indexed of [true, false]) {
    it(`${indexed ? 'indexed' : 'unindexed'}: a key may repeat, lookups ignore case, set replaces and remove drops every entry of a key`, () => {
      const c = new Collection(indexed);
      const values = (key: string): string[] => c.get(key).map((e) => e.value);
      c.add('Score', '1');
      expect(values('SCORE')).toEqual(['1']);
      if (indexed) expect(c.get('score')).toBe(c.get('Score')); // one list per lone entry, not one per lookup
      c.add('score', '2');
      c.add('other', 'x');
      expect(values('score')).toEqual(['1', '2']);
      expect(c.firstLower('score')?.value).toBe('1');
      c.set('SCORE', '3');
      expect(values('score')).toEqual(['3']);
      expect(c.entries.map((e) => `${e.key}=${e.value}`)).toEqual(['other=x', 'SCORE=3']);
      c.set('other', 'y');
      expect(c.entries.map((e) => `${e.key}=${e.value}`)).toEqual(['other=y', 'SCORE=3']);
      c.remove('Score');
      expect(values('score')).toEqual([]);
      expect(c.firstLower('score')).toBeUndefined();
      c.add('score', '4');
      expect(values('score')).toEqual(['4']);
      c.clear();
      expect([c.entries.length, values('other').length]).toEqual([0, 0]);
    });
  }
});
