/**
 * Raw HTTP request parsing: line endings, folding, bodies by length or chunks, and every
 * request of the CRS regression suite read back to the fields it was built from.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFtwTests, parseRawRequest, requestBytes } from '../src/index.js';

const req = (text: string) => parseRawRequest(Buffer.from(text, 'latin1'));

describe('parseRawRequest', () => {
  it('reads a plain request with a body', () => {
    const r = req('POST /a?b=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcdef');
    expect(r).toMatchObject({ method: 'POST', uri: '/a?b=1', protocol: 'HTTP/1.1', line: 'POST /a?b=1 HTTP/1.1', headers: [['Host', 'x'], ['Content-Length', '3']], problems: [] });
    expect(r.body.toString()).toBe('abc');
  });

  it('accepts bare LF, unfolds obsolete folding, and says so', () => {
    const r = req('GET / HTTP/1.0\nX-A: one\n  two\n\n');
    expect(r.headers).toEqual([['X-A', 'one two']]);
    expect(r.problems).toEqual(['obsolete header line folding']);
  });

  it('decodes chunked bodies and reports truncation', () => {
    expect(req('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n').body.toString()).toBe('abcde');
    expect(req('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nabc').problems).toEqual(['chunked body: truncated chunk']);
    expect(req('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n').problems[0]).toMatch(/bad chunk size/);
  });

  it('keeps odd request lines for the rules to see', () => {
    expect(req('GET /a b HTTP/1.1\r\n\r\n')).toMatchObject({ uri: '/a b', protocol: 'HTTP/1.1', problems: ['request line has 4 parts, not 3'] });
    expect(req('GET /\r\n\r\n')).toMatchObject({ method: 'GET', uri: '/', protocol: '', problems: ['request line has 2 parts, not 3'] });
    expect(req('POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc').problems).toEqual(['body shorter than Content-Length (3 < 10)']);
    expect(req('GET / HTTP/1.1\r\nbroken line\r\n\r\n').problems).toEqual(["header line without a name: 'broken line'"]);
  });
});

const TESTS = resolve(import.meta.dirname, '../../../../shared/data/crs/tests/regression/tests');
describe.skipIf(!existsSync(TESTS))('CRS regression requests', () => {
  it('every request built from test fields reads back to those fields (method padding and explicit Content-Length headers aside)', () => {
    const stages = loadFtwTests(TESTS).tests.flatMap((t) => t.stages.map((s) => ({ name: t.name, input: s.input })));
    const built = stages.filter((s) => !s.input.encodedRequest && !/[\r\n]/.test(s.input.uri) && !s.input.headers.some(([k, v]) => /[\r\n]/.test(k + v)));
    expect(built.length).toBeGreaterThan(3000);
    // Fields are text sent as UTF-8; the parser yields byte strings (one char per byte).
    const bytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
    const mismatched = built.filter(({ input }) => {
      const r = parseRawRequest(requestBytes(input));
      const ownLength = input.headers.some(([k]) => k.toLowerCase() === 'content-length');
      return r.method.trim() !== bytes(input.method.trim()) || r.uri !== bytes(input.uri.replace(/ {2,}/g, ' ')) || r.protocol !== input.version || (input.autocompleteHeaders && !ownLength && r.body.toString('latin1') !== bytes(input.data ?? ''));
    });
    expect(mismatched.map((m) => m.name)).toEqual([]);
  });
});
