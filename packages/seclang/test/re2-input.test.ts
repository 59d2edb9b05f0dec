/**
 * re2Input: the bytes it hands the addon are the string's UTF-8 form (as the addon's own
 * conversion makes it, lone surrogates included), so `test` and `Set.match` give the same
 * verdicts as on the string; and it makes no backing store per call (views are reused).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { re2Input } from '../src/util/re2-input.js';

const INDEX = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const CRS = resolve(import.meta.dirname, '../../../../shared/data/crs');

/**
 * Prints the ArrayBuffer bytes 500 benign CRS transactions leave behind, and how many
 * collections ran meanwhile (none: the young generation is 128 MB, so every buffer made
 * is still counted). With a Buffer per RE2 call it was 589 bytes per transaction.
 */
const engineBuffers = `
import { PerformanceObserver } from 'node:perf_hooks';
const { Waf, bundledConfig } = await import(${JSON.stringify(INDEX)});
const CRS = ${JSON.stringify(CRS)};
const waf = Waf.fromFiles([bundledConfig('base.conf'), CRS + '/crs-setup.conf.example', CRS + '/rules/*.conf']);
const headers = [['Host', 'shop.example.com'], ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'], ['Accept', 'text/html'], ['Cookie', 'session=3f9a1c0b7d2e4f68; theme=dark']];
const one = (n) => {
  const tx = waf.newTransaction({ remoteAddr: '127.0.0.1', remotePort: 40000, serverPort: 8080 });
  const uri = '/products/view?id=' + n + '&sort=price&page=' + (n % 10);
  tx.processRequestHeaders({ method: 'GET', uri, protocol: 'HTTP/1.1', line: 'GET ' + uri + ' HTTP/1.1', headers });
  tx.processRequestBody();
  tx.processResponseHeaders(200, 'HTTP/1.1', [['Content-Type', 'text/plain']]);
  tx.processResponseBody();
  tx.processLogging();
  if (tx.matched.some((m) => m.log)) throw new Error('a benign request matched');
};
for (let i = 0; i < 300; i++) one(i);
let collections = 0;
new PerformanceObserver((list) => { collections += list.getEntries().length; }).observe({ entryTypes: ['gc'] });
gc();
await new Promise((ok) => setTimeout(ok, 200)); // the sweeper frees what gc() found, off the main thread
collections = 0;
const before = process.memoryUsage().arrayBuffers;
for (let i = 0; i < 500; i++) one(1000 + i);
const perTransaction = (process.memoryUsage().arrayBuffers - before) / 500;
await new Promise((ok) => setTimeout(ok, 50));
console.log(JSON.stringify({ perTransaction, collections }));
`;

/** Deterministic strings mixing ASCII, controls, Latin-1 bytes, BMP text, surrogate pairs and lone surrogates. */
function randomStrings(count: number, maxLength: number, seed = 7): string[] {
  let state = seed;
  const next = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
  const unit = (): string => {
    switch (next(7)) {
      case 0:
        return String.fromCharCode(next(32));
      case 1:
        return String.fromCharCode(0x80 + next(128));
      case 2:
        return String.fromCharCode(0x4e00 + next(2000));
      case 3:
        return String.fromCodePoint(0x1f600 + next(80));
      case 4:
        return String.fromCharCode(0xd800 + next(0x800)); // a lone surrogate
      default:
        return String.fromCharCode(0x20 + next(95));
    }
  };
  return Array.from({ length: count }, () => Array.from({ length: next(maxLength + 1) }, unit).join(''));
}

const PATTERNS = ['(?i)select.+from', '[\\x80-\\xff]', '^[\\w/.?=&-]*$', '\\x{FFFD}', '\u00e9t\u00e9', '[\\x{1F600}-\\x{1F64F}]{2}', '^$', '\\p{Han}'];

describe('re2Input', () => {
  it("holds each string's UTF-8 bytes, lone surrogates as U+FFFD", () => {
    for (const s of [...randomStrings(5000, 200), '', 'a', '\ud800', '\udc00x', '\ud83d\ude00', 'caf\u00e9']) {
      const input = re2Input(s);
      expect(Buffer.isBuffer(input)).toBe(true);
      expect(Buffer.compare(input as Buffer, Buffer.from(s, 'utf8'))).toBe(0);
    }
  });

  it('gives the same test and Set.match verdicts as the string does', () => {
    const regexes = PATTERNS.map((p) => new RE2(p, 'su'));
    const set = new RE2.Set(PATTERNS, 'su');
    const samples = [...randomStrings(3000, 60, 11), 'SELECT name FROM users', 'caf\u00e9 \u00e9t\u00e9', '\ud83d\ude00\ud83d\ude03', '/a/b.c?d=e&f-g', '\ud800', '漢字'];
    let matched = 0;
    for (const s of samples) {
      for (const re of regexes) {
        const verdict = re.test(s);
        if (verdict) matched++;
        expect(re.test(re2Input(s))).toBe(verdict);
      }
      expect(set.match(re2Input(s))).toEqual(set.match(s));
    }
    expect(matched).toBeGreaterThan(1000); // the patterns do match: the comparison is not between two "no"s
  });

  it('reuses one view per length: no new backing store per call', () => {
    const first = re2Input('abc') as Buffer;
    const second = re2Input('xyz') as Buffer;
    expect(second).toBe(first);
    expect(second.toString()).toBe('xyz');
    expect((re2Input('a'.repeat(5000)) as Buffer).buffer).toBe(first.buffer);
  });

  it('passes values beyond its buffer on as strings, and fills it to the edge otherwise', () => {
    const long = 'x'.repeat(64 * 1024 + 1);
    expect(re2Input(long)).toBe(long);
    const wide = '\u00e9'.repeat(40 * 1024); // 80 KiB in UTF-8 from 40 Ki code units
    expect(re2Input(wide)).toBe(wide);
    const edge = '\u00e9'.repeat(32 * 1024); // exactly 64 KiB
    expect((re2Input(edge) as Buffer).length).toBe(64 * 1024);
    expect(new RE2('^(?:\u00e9)+$', 'su').test(re2Input(edge))).toBe(true);
  });
});

describe.skipIf(!existsSync(CRS))('the engine with the CRS', () => {
  it('makes no ArrayBuffer per RE2 call', () => {
    const run = spawnSync(process.execPath, ['--expose-gc', '--min-semi-space-size=128', '--max-semi-space-size=128', '--input-type=module', '-e', engineBuffers], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    const { perTransaction, collections } = JSON.parse(run.stdout) as { perTransaction: number; collections: number };
    expect(collections).toBe(0);
    expect(perTransaction).toBeLessThan(16);
  });
});
