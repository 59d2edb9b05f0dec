/**
 * Empties an array while keeping its storage. `array.length = 0` makes V8 drop the backing
 * store, so the next push allocates a new one; on arrays refilled for every rule that was a
 * measurable share of the engine's garbage. Popping keeps the store.
 */
export function emptyArray(array: unknown[]): void {
  while (array.length > 0) array.pop();
}
