/**
 * Aho-Corasick multi-pattern search over bytes: one pass finds every occurrence of every
 * keyword, in time linear in the input plus the number of hits. Used by `@pm`/`@pmFromFile`
 * here and, through this package's exports, by the scanner's secret-rule keyword prefilter.
 */

export interface AcHit {
  /** Index of the pattern in the list given to the constructor. */
  pattern: number;
  /** Offset just past the last byte of the occurrence. */
  end: number;
}

const ALPHABET = 256;

export class AhoCorasick {
  /** goto function as a dense table: state * 256 + byte → next state (complete DFA). */
  private readonly delta: Int32Array;
  /** Patterns ending at each state (including through dictionary suffix links). */
  private readonly outputs: number[][];
  readonly patternLengths: readonly number[];

  /**
   * `caseInsensitive` folds ASCII letters of both patterns and input, so keywords match
   * regardless of case without lowercasing a copy of the input.
   */
  constructor(
    patterns: readonly Uint8Array[],
    private readonly caseInsensitive = false,
  ) {
    this.patternLengths = patterns.map((p) => p.length);
    const children: Map<number, number>[] = [new Map()];
    const outputs: number[][] = [[]];
    patterns.forEach((pattern, index) => {
      if (pattern.length === 0) return;
      let state = 0;
      for (const raw of pattern) {
        const b = this.fold(raw);
        const next = (children[state] as Map<number, number>).get(b);
        if (next !== undefined) state = next;
        else {
          children.push(new Map());
          outputs.push([]);
          (children[state] as Map<number, number>).set(b, children.length - 1);
          state = children.length - 1;
        }
      }
      (outputs[state] as number[]).push(index);
    });
    const count = children.length;
    const delta = new Int32Array(count * ALPHABET);
    const fail = new Int32Array(count);
    const queue: number[] = [];
    for (let b = 0; b < ALPHABET; b++) {
      const child = (children[0] as Map<number, number>).get(b);
      delta[b] = child ?? 0;
      if (child !== undefined) queue.push(child);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] as number;
      const f = fail[state] as number;
      (outputs[state] as number[]).push(...(outputs[f] as number[]));
      for (let b = 0; b < ALPHABET; b++) {
        const child = (children[state] as Map<number, number>).get(b);
        if (child !== undefined) {
          fail[child] = delta[f * ALPHABET + b] as number;
          delta[state * ALPHABET + b] = child;
          queue.push(child);
        } else delta[state * ALPHABET + b] = delta[f * ALPHABET + b] as number;
      }
    }
    if (caseInsensitive) {
      // Route upper-case input bytes through their lower-case transitions.
      for (let s = 0; s < count; s++) for (let b = 65; b <= 90; b++) delta[s * ALPHABET + b] = delta[s * ALPHABET + b + 32] as number;
    }
    this.delta = delta;
    this.outputs = outputs;
  }

  private fold(b: number): number {
    return this.caseInsensitive && b >= 65 && b <= 90 ? b + 32 : b;
  }

  /** Calls `onHit` for every occurrence; return true from it to stop early. */
  scan(input: Uint8Array, onHit: (hit: AcHit) => boolean | void, from = 0, to = input.length): void {
    const delta = this.delta;
    const outputs = this.outputs;
    let state = 0;
    for (let i = from; i < to; i++) {
      state = delta[state * ALPHABET + (input[i] as number)] as number;
      const out = outputs[state] as number[];
      if (out.length > 0) {
        for (const pattern of out) if (onHit({ pattern, end: i + 1 }) === true) return;
      }
    }
  }

  /**
   * The first occurrence in a byte string (one char per byte, as the SecLang engine keeps
   * request data), without copying it into a buffer; undefined when none.
   */
  firstInByteString(text: string): AcHit | undefined {
    const delta = this.delta;
    const outputs = this.outputs;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      state = delta[state * ALPHABET + (text.charCodeAt(i) & 0xff)] as number;
      const out = outputs[state] as number[];
      if (out.length > 0) return { pattern: out[0] as number, end: i + 1 };
    }
    return undefined;
  }

  /** The set of patterns that occur at least once. */
  present(input: Uint8Array): Set<number> {
    const found = new Set<number>();
    this.scan(input, (h) => {
      found.add(h.pattern);
    });
    return found;
  }
}
