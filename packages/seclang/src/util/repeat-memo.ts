/**
 * A bounded memo for answers about request values that stores a value only when an earlier
 * transaction saw it too: repeating values (header values, common parameters) are remembered,
 * one-off values (ids, timestamps) never enter the table, so they die young with their request
 * instead of being copied and promoted by the garbage collector (docs/waf.md "Tail latency").
 */
import { BoundedMemo } from './bounded-memo.js';

const HASH_OFFSET = 0x811c9dc5;
const HASH_PRIME = 0x01000193;

/** Names the transaction now running rules, as a small number (0 = never seen; names wrap, which only costs a late admission). */
let currentWindow = 1;
let lastWindow = 1;

/** A name for a new transaction's sightings. */
export function newRepeatWindow(): number {
  lastWindow = lastWindow === 255 ? 1 : lastWindow + 1;
  return lastWindow;
}

/** Sightings from here on are the given transaction's (call when it starts running rules). */
export function enterRepeatWindow(window: number): void {
  currentWindow = window;
}

/** FNV-1a over UTF-16 code units: cheap, and only ever used to decide admission. */
function hashKey(key: string): number {
  let h = HASH_OFFSET;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), HASH_PRIME);
  return h >>> 0;
}

/** Values longer than this are never remembered (long values rarely repeat, and each would hold memory). */
const REMEMBERED_LENGTH = 256;

/**
 * `compute` with its answers for short values kept in a RepeatMemo of `capacity` answers: a value
 * that repeats across requests is computed once (verdicts of `@rx`, `@detectSQLi`, `@detectXSS`, `@ipMatch`).
 */
export function rememberingShort<V>(compute: (value: string) => V, capacity: number): (value: string) => V {
  const memo = new RepeatMemo<V>(capacity);
  return (value) => (value.length > REMEMBERED_LENGTH ? compute(value) : (memo.get(value) ?? memo.set(value, compute(value))));
}

export class RepeatMemo<V> {
  /** The answers themselves: a bounded table that forgets everything when full. */
  private readonly answers: BoundedMemo<string, V>;
  /**
   * Per hash slot, the transaction that last saw a value hashing there, and the value's
   * fingerprint (the hash's high 16 bits), so a one-off value that merely shares a slot with
   * an earlier one is not taken for a repeat. Allocated on first use: most rules never ask.
   */
  private sightings: Uint8Array | undefined;
  private fingerprints: Uint16Array | undefined;
  private readonly slots: number;
  private readonly mask: number;
  private readonly forgetAfter: number;
  private marks = 0;

  /** `capacity` answers at most; sightings are forgotten once an eighth of the slots is marked. */
  constructor(capacity: number) {
    this.answers = new BoundedMemo(capacity);
    this.slots = 1 << Math.min(16, Math.max(10, Math.ceil(Math.log2(capacity * 8))));
    this.mask = this.slots - 1;
    this.forgetAfter = this.slots >>> 3;
  }

  /** Answers held now. */
  get size(): number {
    return this.answers.size;
  }

  get(key: string): V | undefined {
    return this.answers.get(key);
  }

  /** Returns `value`, storing it when an earlier transaction saw `key` (`memo.get(k) ?? memo.set(k, compute(k))`). */
  set(key: string, value: V): V {
    return this.seenEarlier(key) ? this.answers.set(key, value) : value;
  }

  private seenEarlier(key: string): boolean {
    const hash = hashKey(key);
    const slot = hash & this.mask;
    const print = hash >>> 16;
    const sightings = (this.sightings ??= new Uint8Array(this.slots));
    const fingerprints = (this.fingerprints ??= new Uint16Array(this.slots));
    const seenBy = sightings[slot] as number;
    // The same value (up to a 1 in 65,536 fingerprint collision, which only admits early) seen before.
    if (seenBy !== 0 && fingerprints[slot] === print) return seenBy !== currentWindow;
    if (seenBy === 0 && ++this.marks > this.forgetAfter) {
      sightings.fill(0);
      this.marks = 1;
    }
    sightings[slot] = currentWindow;
    fingerprints[slot] = print;
    return false;
  }
}
