/**
 * RepeatMemo: answers are kept only for values an earlier transaction saw too (a value that
 * merely shares a hash slot with an earlier one is not taken for a repeat), stay bounded, and
 * are always keyed by the whole value.
 */
import { describe, expect, it } from 'vitest';
import { enterRepeatWindow, newRepeatWindow, RepeatMemo } from '../src/util/repeat-memo.js';

const inNewTransaction = (): void => enterRepeatWindow(newRepeatWindow());

describe('RepeatMemo', () => {
  it('does not keep a value seen by one transaction only, however often it asks', () => {
    const memo = new RepeatMemo<number>(64);
    inNewTransaction();
    for (let i = 0; i < 5; i++) expect(memo.set('id=4711', 1)).toBe(1);
    expect(memo.get('id=4711')).toBeUndefined();
    expect(memo.size).toBe(0);
  });

  it('keeps a value once a later transaction sees it again', () => {
    const memo = new RepeatMemo<number>(64);
    inNewTransaction();
    memo.set('Mozilla/5.0', 7);
    inNewTransaction();
    expect(memo.get('Mozilla/5.0')).toBeUndefined();
    memo.set('Mozilla/5.0', 7);
    expect(memo.get('Mozilla/5.0')).toBe(7);
  });

  it('returns to the first transaction: its sightings are still its own', () => {
    const memo = new RepeatMemo<number>(64);
    const first = newRepeatWindow();
    const second = newRepeatWindow();
    enterRepeatWindow(first);
    memo.set('a', 1);
    enterRepeatWindow(second);
    memo.set('b', 2);
    enterRepeatWindow(first);
    memo.set('a', 1);
    expect(memo.get('a')).toBeUndefined();
    enterRepeatWindow(second);
    memo.set('a', 1);
    expect(memo.get('a')).toBe(1);
  });

  it('stays within its capacity when many values repeat', () => {
    const memo = new RepeatMemo<number>(16);
    for (let round = 0; round < 2; round++) {
      inNewTransaction();
      for (let i = 0; i < 100; i++) memo.set(`v${i}`, i);
    }
    expect(memo.size).toBeGreaterThan(0);
    expect(memo.size).toBeLessThanOrEqual(16);
  });

  it('forgets sightings under a flood of one-off values, so the flood is not remembered either', () => {
    const memo = new RepeatMemo<number>(16);
    for (let round = 0; round < 2; round++) {
      inNewTransaction();
      for (let i = 0; i < 10_000; i++) memo.set(`flood-${i}`, i);
    }
    expect(memo.size).toBeLessThan(200);
  });

  it('does not take a one-off value for a repeat because it shares a sighting slot with an earlier value', () => {
    // 4,096 answers: 32,768 slots, sightings forgotten after 4,096 marks. One transaction sees
    // 3,000 values (about 9% of the slots); 1,000 never-seen values follow in the next one.
    // Slot sharing alone admitted 128 of them; with fingerprints none is.
    const memo = new RepeatMemo<string>(4096);
    inNewTransaction();
    for (let i = 0; i < 3000; i++) memo.set(`seen-${i}`, `answer for seen-${i}`);
    inNewTransaction();
    for (let i = 0; i < 1000; i++) memo.set(`fresh-${i}`, `answer for fresh-${i}`);
    expect(memo.size).toBe(0);
    // A real repeat is still admitted, and answered by its whole value.
    memo.set('seen-42', 'answer for seen-42');
    expect(memo.get('seen-42')).toBe('answer for seen-42');
    expect(memo.get('seen-41')).toBeUndefined();
  });
});
