/**
 * Hands values to the `re2` addon as UTF-8 bytes in one reused buffer. Given a JS string, the
 * addon encodes it into a new Buffer — a native backing store — on every call; CRS makes about
 * forty such calls per benign request, and V8 frees the stores after each scavenge on a
 * background thread (1–4 ms at a time on a 2-CPU host; docs/waf.md "Tail latency"). Given a
 * Buffer, the addon reads its bytes as they are, so the verdicts are the same.
 */

/** Values whose UTF-8 form is longer than this go to the addon as strings (it allocates as before). */
const CAPACITY = 64 * 1024;
/** Views of the scratch buffer for the lengths most values have, made once. */
const CACHED_VIEWS = 4096;

const scratch = Buffer.allocUnsafeSlow(CAPACITY);
const views: (Buffer | undefined)[] = new Array<Buffer | undefined>(CACHED_VIEWS + 1);

/**
 * `value` as the addon's input: its UTF-8 bytes (lone surrogates as U+FFFD, as the addon's own
 * conversion does) in the shared buffer, valid until the next call. Use it only as the argument
 * of a synchronous `re2` call that returns no byte offsets or substrings (`test`, `Set.match`).
 */
export function re2Input(value: string): Buffer | string {
  // A UTF-16 code unit takes at most 3 bytes in UTF-8 (a surrogate pair takes 4 for two units).
  if (value.length * 3 > CAPACITY && (value.length > CAPACITY || Buffer.byteLength(value, 'utf8') > CAPACITY)) return value;
  const length = scratch.write(value);
  if (length > CACHED_VIEWS) return scratch.subarray(0, length);
  return (views[length] ??= scratch.subarray(0, length));
}
