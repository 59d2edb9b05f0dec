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

const BYTES = 256;

export class AhoCorasick {
  /**
   * Complete DFA over byte classes (the bytes the patterns use, plus one class for every other
   * byte): `delta[row + byteClass[b]]` is the next state's row (state * width), stored as
   * `-row - 1` when that state ends a pattern, so a scan tests one signed load per input byte.
   * CRS's word lists use 40–70 distinct bytes, so the table is a quarter of a 256-wide one or less.
   */
  private readonly delta: Int32Array;
  private readonly byteClass: Uint8Array;
  private readonly width: number;
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
    this.byteClass = this.classesOf(patterns);
    const width = Math.max(...this.byteClass) + 1;
    this.width = width;

    const children: Map<number, number>[] = [new Map()];
    const outputs: number[][] = [[]];
    patterns.forEach((pattern, index) => {
      if (pattern.length === 0) return;
      let state = 0;
      for (const b of pattern) {
        const c = this.byteClass[b] as number;
        const next = (children[state] as Map<number, number>).get(c);
        if (next !== undefined) state = next;
        else {
          children.push(new Map());
          outputs.push([]);
          (children[state] as Map<number, number>).set(c, children.length - 1);
          state = children.length - 1;
        }
      }
      (outputs[state] as number[]).push(index);
    });

    // Breadth-first: failure links, dictionary outputs, and the full transition table (in states).
    const count = children.length;
    const next = new Int32Array(count * width);
    const fail = new Int32Array(count);
    const queue: number[] = [];
    for (const [c, child] of children[0] as Map<number, number>) {
      next[c] = child;
      queue.push(child);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] as number;
      const f = fail[state] as number;
      (outputs[state] as number[]).push(...(outputs[f] as number[]));
      const own = children[state] as Map<number, number>;
      for (let c = 0; c < width; c++) {
        const child = own.get(c);
        if (child !== undefined) {
          fail[child] = next[f * width + c] as number;
          next[state * width + c] = child;
          queue.push(child);
        } else next[state * width + c] = next[f * width + c] as number;
      }
    }
    // Rows instead of state numbers, negative where the target state ends a pattern.
    for (let i = 0; i < next.length; i++) {
      const target = next[i] as number;
      const row = target * width;
      next[i] = (outputs[target] as number[]).length > 0 ? -row - 1 : row;
    }
    this.delta = next;
    this.outputs = outputs;
  }

  /** Byte → class: 1.. for each distinct (folded) byte the patterns use, 0 for all others. */
  private classesOf(patterns: readonly Uint8Array[]): Uint8Array {
    const used = new Uint8Array(BYTES);
    for (const pattern of patterns) for (const b of pattern) used[this.fold(b)] = 1;
    const byteClass = new Uint8Array(BYTES);
    const distinct = used.reduce((n, u) => n + u, 0);
    if (distinct === BYTES) {
      for (let b = 0; b < BYTES; b++) byteClass[b] = b; // every byte in use: no byte is "other"
    } else {
      let classes = 0;
      for (let b = 0; b < BYTES; b++) if (used[b]) byteClass[b] = ++classes;
    }
    if (this.caseInsensitive) for (let b = 65; b <= 90; b++) byteClass[b] = byteClass[b + 32] as number;
    return byteClass;
  }

  private fold(b: number): number {
    return this.caseInsensitive && b >= 65 && b <= 90 ? b + 32 : b;
  }

  /** Calls `onHit` for every occurrence; return true from it to stop early. */
  scan(input: Uint8Array, onHit: (hit: AcHit) => boolean | void, from = 0, to = input.length): void {
    const { delta, byteClass, width, outputs } = this;
    let row = 0;
    for (let i = from; i < to; i++) {
      const step = delta[row + (byteClass[input[i] as number] as number)] as number;
      if (step >= 0) {
        row = step;
        continue;
      }
      row = -step - 1;
      for (const pattern of outputs[row / width] as number[]) if (onHit({ pattern, end: i + 1 }) === true) return;
    }
  }

  /**
   * The first occurrence in a byte string (one char per byte, as the SecLang engine keeps
   * request data), without copying it into a buffer; undefined when none.
   */
  firstInByteString(text: string): AcHit | undefined {
    const { delta, byteClass, width } = this;
    let row = 0;
    for (let i = 0; i < text.length; i++) {
      const step = delta[row + (byteClass[text.charCodeAt(i) & 0xff] as number)] as number;
      if (step >= 0) row = step;
      else return { pattern: (this.outputs[(-step - 1) / width] as number[])[0] as number, end: i + 1 };
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
