/**
 * A memo table that forgets everything when full: tables keyed by request data (attacker-
 * chosen header names, values, expanded patterns) stay bounded, and a flood only lowers the
 * hit rate.
 */
export class BoundedMemo<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  /** Entries held now. */
  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Stores and returns `value` (`memo.get(k) ?? memo.set(k, compute(k))`). */
  set(key: K, value: V): V {
    if (this.map.size >= this.capacity) this.map.clear();
    this.map.set(key, value);
    return value;
  }
}
