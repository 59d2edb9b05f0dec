/**
 * RepeatMemo: answers are kept only for values an earlier transaction saw too, stay bounded,
 * and are always keyed by the whole value (a hash collision may admit early, never confuse).
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

  it('answers by the whole value even when a new value shares a sighting slot with an old one', () => {
    // One transaction sees 100 values; in the next, some never-seen value lands on one of their
    // slots and is admitted early. Its answer must be its own, and the old values stay unanswered.
    let admitted: { memo: RepeatMemo<string>; value: string } | undefined;
    for (let attempt = 0; attempt < 1000 && admitted === undefined; attempt++) {
      const memo = new RepeatMemo<string>(16);
      inNewTransaction();
      for (let i = 0; i < 100; i++) memo.set(`seen-${i}`, `answer for seen-${i}`);
      inNewTransaction();
      const value = `fresh-${attempt}`;
      memo.set(value, `answer for ${value}`);
      if (memo.get(value) !== undefined) admitted = { memo, value };
    }
    if (!admitted) throw new Error('no collision in 1000 attempts (expected about one in ten)');
    expect(admitted.memo.get(admitted.value)).toBe(`answer for ${admitted.value}`);
    for (let i = 0; i < 100; i++) expect(admitted.memo.get(`seen-${i}`)).toBeUndefined();
  });
});
