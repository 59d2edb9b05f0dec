/**
 * Request data inside the engine is a "byte string": a JS string whose every character is one
 * byte (0–255), as `Buffer#toString('latin1')` makes it. Transformations keep that invariant;
 * `@rx` patterns then match byte for byte (`\xc0` is the byte 0xC0).
 */
export const fromBytes = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
export const toBytes = (text: string): Buffer => Buffer.from(text, 'latin1');

const isNonAscii = (c: number): boolean => c > 0x7f;
/** Text (any code points) as the byte string of its UTF-8 encoding; ASCII text is its own encoding, so no Buffer is made for it. */
export const utf8Bytes = (text: string): string => (noneOf(text, isNonAscii) ? text : Buffer.from(text, 'utf8').toString('latin1'));
/** A byte string read as UTF-8 text (the inverse of `utf8Bytes`; ASCII is returned as is). */
export const utf8Text = (bytes: string): string => (noneOf(bytes, isNonAscii) ? bytes : Buffer.from(bytes, 'latin1').toString('utf8'));

export const isHexCode = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
export const isDigitCode = (c: number): boolean => c >= 0x30 && c <= 0x39;
// Character tests compare codes: a regex literal inside a function is a new RegExp object on every call.
export const isHex = (c: string | undefined): boolean => c !== undefined && c.length === 1 && isHexCode(c.charCodeAt(0));
export const isOctal = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';

/** Full-width ASCII (U+FF01–U+FF5E) folds to ASCII; any other code point keeps its low byte. */
export function unicodeToByte(code: number): string {
  return String.fromCharCode(code >= 0xff01 && code <= 0xff5e ? code - 0xfee0 : code & 0xff);
}

/** True when `input` holds no character `interesting` accepts: the transformation may return it as is. */
export function noneOf(input: string, interesting: (code: number) => boolean): boolean {
  for (let i = 0; i < input.length; i++) if (interesting(input.charCodeAt(i))) return false;
  return true;
}

/** Whitespace as the ModSecurity transformations see it, including the non-breaking space. */
export const isSpaceCode = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;
export const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f' || c === '\xa0';
