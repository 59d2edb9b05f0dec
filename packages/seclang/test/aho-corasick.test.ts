/**
 * The Aho-Corasick automaton against a naive search: every occurrence of every pattern, on
 * random patterns and inputs that mix the patterns' bytes with bytes no pattern uses, with and
 * without ASCII case folding, and with patterns that use all 256 byte values.
 */
import { describe, expect, it } from 'vitest';
import { AhoCorasick } from '../src/util/aho-corasick.js';

/** A small deterministic generator (xorshift32), so a failure reproduces. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const fold = (b: number, on: boolean): number => (on && b >= 65 && b <= 90 ? b + 32 : b);

function naiveHits(patterns: Uint8Array[], input: Uint8Array, caseInsensitive: boolean): string[] {
  const hits: string[] = [];
  patterns.forEach((p, index) => {
    if (p.length === 0) return;
    for (let end = p.length; end <= input.length; end++) {
      let ok = true;
      for (let k = 0; k < p.length && ok; k++) ok = fold(input[end - p.length + k] as number, caseInsensitive) === fold(p[k] as number, caseInsensitive);
      if (ok) hits.push(`${index}@${end}`);
    }
  });
  return hits.sort();
}

function automatonHits(ac: AhoCorasick, input: Uint8Array): string[] {
  const hits: string[] = [];
  ac.scan(input, ({ pattern, end }) => {
    hits.push(`${pattern}@${end}`);
  });
  return hits.sort();
}

const bytesFrom = (next: () => number, length: number, alphabet: readonly number[]): Uint8Array => Uint8Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)] as number);

describe('AhoCorasick', () => {
  it.each([false, true])('finds what a naive search finds (case-insensitive: %s)', (caseInsensitive) => {
    const next = random(caseInsensitive ? 7 : 11);
    const patternBytes = [...'abcAB/.'].map((c) => c.charCodeAt(0));
    const inputBytes = [...patternBytes, ...'xyzXY 0'.split('').map((c) => c.charCodeAt(0)), 0, 255];
    for (let round = 0; round < 200; round++) {
      const patterns = Array.from({ length: 1 + Math.floor(next() * 12) }, () => bytesFrom(next, Math.floor(next() * 5), patternBytes));
      const ac = new AhoCorasick(patterns, caseInsensitive);
      const input = bytesFrom(next, Math.floor(next() * 60), inputBytes);
      expect(automatonHits(ac, input)).toEqual(naiveHits(patterns, input, caseInsensitive));
      const first = ac.firstInByteString(Buffer.from(input).toString('latin1'));
      const earliest = naiveHits(patterns, input, caseInsensitive).map((h) => Number(h.split('@')[1])).sort((a, b) => a - b)[0];
      expect(first?.end).toBe(earliest);
      if (first) expect(naiveHits(patterns, input, caseInsensitive)).toContain(`${first.pattern}@${first.end}`);
    }
  });

  it('handles patterns that use every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, b) => b);
    const patterns = [all, Uint8Array.of(0, 1), Uint8Array.of(255), Uint8Array.of(65, 66)];
    const input = Uint8Array.of(9, 0, 1, 255, 65, 66, ...all, 97, 98);
    const ac = new AhoCorasick(patterns);
    expect(automatonHits(ac, input)).toEqual(naiveHits(patterns, input, false));
    expect(automatonHits(new AhoCorasick(patterns, true), input)).toEqual(naiveHits(patterns, input, true));
  });

  it('finds nothing without patterns and keeps early stops', () => {
    expect(automatonHits(new AhoCorasick([]), Buffer.from('anything'))).toEqual([]);
    const ac = new AhoCorasick([Buffer.from('he'), Buffer.from('she'), Buffer.from('hers')]);
    const seen: number[] = [];
    ac.scan(Buffer.from('ushers'), ({ pattern }) => {
      seen.push(pattern);
      return true;
    });
    expect(seen).toHaveLength(1);
    expect([...ac.present(Buffer.from('ushers'))].sort()).toEqual([0, 1, 2]);
  });
});
