/**
 * Speed without changing results: the `@rx` patterns of rules that share a transformation
 * chain are compiled together into RE2 sets, so one linear pass over a transformed value
 * tells which of those patterns can match. A rule whose pattern is not in that answer is
 * decided without running its own regex; the others run it as before (for captures).
 */
import RE2 from 're2';
import { re2Input } from '../util/re2-input.js';
import { RepeatMemo } from '../util/repeat-memo.js';
import type { CompiledRule } from './compiled.js';

const MEMO_VALUE_LENGTH = 256;
const MEMO_ENTRIES = 4096;
const NO_HITS: ReadonlySet<number> = new Set();

/** Patterns of one transformation chain, split into sets RE2 can compile. */
export class RxSetGroup {
  private readonly sets: { set: InstanceType<typeof RE2.Set>; offset: number }[] = [];

  /** `slot`: this group's index in a transaction's per-group tables. */
  constructor(
    patterns: readonly string[],
    readonly slot: number,
  ) {
    let start = 0;
    while (start < patterns.length) {
      // Largest chunk that compiles within RE2's memory budget (halving on failure).
      let size = Math.min(128, patterns.length - start);
      for (;;) {
        try {
          this.sets.push({ set: new RE2.Set(patterns.slice(start, start + size), 'su'), offset: start });
          break;
        } catch (err) {
          if (size === 1) throw err;
          size = Math.ceil(size / 2);
        }
      }
      start += size;
    }
  }

  /**
   * Short values that repeat across requests (header values, common parameters) have their
   * answers remembered, bounded so that attacker-chosen values only lower the hit rate.
   */
  private readonly memo = new RepeatMemo<ReadonlySet<number>>(MEMO_ENTRIES);

  /** The remembered answer for `value`, if any. */
  remembered(value: string): ReadonlySet<number> | undefined {
    return value.length <= MEMO_VALUE_LENGTH ? this.memo.get(value) : undefined;
  }

  /** Indices (into the group's pattern list) of the patterns that match `value`. */
  match(value: string): ReadonlySet<number> {
    const hits = this.scan(value);
    return value.length <= MEMO_VALUE_LENGTH ? this.memo.set(value, hits) : hits;
  }

  /** Most values match no pattern: they all share one empty set (memo entries stay small). */
  private scan(value: string): ReadonlySet<number> {
    let hits: Set<number> | undefined;
    const input = re2Input(value);
    for (const { set, offset } of this.sets) for (const i of set.match(input)) (hits ??= new Set()).add(offset + i);
    return hits ?? NO_HITS;
  }
}

export interface RxPrefilter {
  group: RxSetGroup;
  index: number;
  negated: boolean;
}

/** Attaches a prefilter to every link with a macro-free `@rx` (grouped by transformation chain); returns how many groups. */
export function attachRxPrefilters(rules: readonly CompiledRule[]): number {
  const byChain = new Map<string, { link: CompiledRule; pattern: string; negated: boolean }[]>();
  for (const rule of rules) {
    for (let link: CompiledRule | undefined = rule; link; link = link.chained) {
      if (link.operatorName !== 'rx' || link.operatorError || link.rxSource === undefined || link.rxSource.includes('%{') || link.multiMatch) continue;
      const list = byChain.get(link.transformKey) ?? [];
      list.push({ link, pattern: link.rxSource, negated: link.rxNegated === true });
      byChain.set(link.transformKey, list);
    }
  }
  let groups = 0;
  for (const list of byChain.values()) {
    if (list.length < 2) continue;
    const group = new RxSetGroup(
      list.map((l) => l.pattern),
      groups++,
    );
    list.forEach((l, index) => {
      l.link.rxPrefilter = { group, index, negated: l.negated };
    });
  }
  return groups;
}
