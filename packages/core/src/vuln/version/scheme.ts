/**
 * One interface for every version ordering Bulwark matches with. `compare` is a total order
 * on valid versions (negative, zero, positive); `valid` says whether a string belongs to the
 * scheme. Each scheme is one module; `registry.ts` maps ecosystems to schemes.
 */

export interface VersionScheme {
  readonly name: string;
  valid(version: string): boolean;
  compare(a: string, b: string): number;
}

export const sign = (n: number): -1 | 0 | 1 => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** Compare two strings of digits of any length without overflow. */
export function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}
