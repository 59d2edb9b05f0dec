/**
 * Decoding transformations: URL (`%HH`, `+`, `%uHHHH`), HTML entities, JavaScript, CSS and
 * ANSI C escapes, base64 and hex. Malformed escapes are kept as written, as ModSecurity does.
 */
import { isDigitCode, isHex, isHexCode, isOctal, unicodeToByte } from './bytes.js';

const hex = (s: string): number => Number.parseInt(s, 16);

/** `%u` followed by four hex digits at `i` (the percent sign). */
function isUnicodeEscape(input: string, i: number): boolean {
  const u = input.charCodeAt(i + 1);
  return (u === 0x75 || u === 0x55) && isHexCode(input.charCodeAt(i + 2)) && isHexCode(input.charCodeAt(i + 3)) && isHexCode(input.charCodeAt(i + 4)) && isHexCode(input.charCodeAt(i + 5));
}

/**
 * Decoders copy the text between two escapes as one slice (`out += c` per character would make
 * a string per character: these run on every request value).
 */
function percentDecode(input: string, unicode: boolean): string {
  if (!input.includes('%') && !input.includes('+')) return input;
  let out = '';
  let copied = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    let decoded: string;
    let span: number;
    if (c === 0x2b) [decoded, span] = [' ', 1];
    else if (c !== 0x25) continue;
    else if (unicode && isUnicodeEscape(input, i)) [decoded, span] = [unicodeToByte(hex(input.slice(i + 2, i + 6))), 6];
    else if (isHexCode(input.charCodeAt(i + 1)) && isHexCode(input.charCodeAt(i + 2))) [decoded, span] = [String.fromCharCode(hex(input.slice(i + 1, i + 3))), 3];
    else continue;
    out += input.slice(copied, i) + decoded;
    i += span - 1;
    copied = i + 1;
  }
  return out + input.slice(copied);
}

export const urlDecode = (input: string): string => percentDecode(input, false);
export const urlDecodeUni = (input: string): string => percentDecode(input, true);

const NAMED_ENTITY = /^&(quot|amp|lt|gt|nbsp);?/i;
const ENTITIES: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', nbsp: '\xa0' };

/**
 * `&#123;` / `&#x7b;` at `i`, with any number of digits (leading zeros are an evasion:
 * `&#000…0123;`); the value keeps its low byte. Undefined when no digit follows.
 */
function numericEntity(input: string, i: number): { value: string; length: number } | undefined {
  if (input[i + 1] !== '#') return undefined;
  const isHexForm = input[i + 2] === 'x' || input[i + 2] === 'X';
  let j = i + (isHexForm ? 3 : 2);
  const start = j;
  while (j < input.length && (isHexForm ? isHexCode(input.charCodeAt(j)) : isDigitCode(input.charCodeAt(j)))) j++;
  if (j === start) return undefined;
  // The low byte depends only on the last 8 digits (10^8 and 16^8 are multiples of 256).
  const digits = input.slice(start, j).slice(-8);
  const code = Number.parseInt(digits, isHexForm ? 16 : 10);
  if (input[j] === ';') j++;
  return { value: String.fromCharCode(code & 0xff), length: j - i };
}

export function htmlEntityDecode(input: string): string {
  if (!input.includes('&')) return input;
  let out = '';
  let copied = 0;
  for (let i = input.indexOf('&'); i >= 0 && i < input.length; i = input.indexOf('&', i + 1)) {
    let decoded: string;
    let span: number;
    const numeric = numericEntity(input, i);
    if (numeric) [decoded, span] = [numeric.value, numeric.length];
    else {
      const m = NAMED_ENTITY.exec(input.slice(i, i + 6));
      if (!m) continue;
      [decoded, span] = [ENTITIES[(m[1] as string).toLowerCase()] as string, m[0].length];
    }
    out += input.slice(copied, i) + decoded;
    i += span - 1;
    copied = i + 1;
  }
  return out + input.slice(copied);
}

const C_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** `\xHH` and `\OOO` (up to three octal digits, at most 0377) at `i` (the backslash), or undefined. */
function numericEscape(input: string, i: number): { value: string; length: number } | undefined {
  if ((input[i + 1] === 'x' || input[i + 1] === 'X') && isHex(input[i + 2]) && isHex(input[i + 3])) return { value: String.fromCharCode(hex(input.slice(i + 2, i + 4))), length: 4 };
  if (isOctal(input[i + 1])) {
    let digits = '';
    for (let k = 1; k <= 3 && isOctal(input[i + k]); k++) digits += input[i + k];
    while (digits.length > 1 && Number.parseInt(digits, 8) > 0o377) digits = digits.slice(0, -1);
    return { value: String.fromCharCode(Number.parseInt(digits, 8)), length: digits.length + 1 };
  }
  return undefined;
}

type Escape = { value: string; length: number } | undefined;

/**
 * Walks `input`, replacing each backslash escape that `decode` recognises (it gets the index of
 * the backslash and returns the replacement and how many characters it spans); escapes it
 * does not recognise, and a trailing backslash, stay as written.
 */
function decodeEscapes(input: string, decode: (input: string, i: number) => Escape): string {
  if (!input.includes('\\')) return input;
  let out = '';
  let copied = 0;
  for (let i = input.indexOf('\\'); i >= 0 && i + 1 < input.length; i = input.indexOf('\\', i + 1)) {
    const escape = decode(input, i);
    if (!escape) continue;
    out += input.slice(copied, i) + escape.value;
    i += escape.length - 1;
    copied = i + 1;
  }
  return out + input.slice(copied);
}

/** `\uHHHH` (full-width folded), `\xHH`, octal, C escapes; any other `\c` is `c`. */
function jsEscape(s: string, i: number): Escape {
  if (isUnicodeEscape(s, i)) return { value: unicodeToByte(hex(s.slice(i + 2, i + 6))), length: 6 };
  const next = s[i + 1] as string;
  return numericEscape(s, i) ?? { value: C_ESCAPES[next] ?? next, length: 2 };
}
export const jsDecode = (input: string): string => decodeEscapes(input, jsEscape);

export function cssDecode(input: string): string {
  if (!input.includes('\\')) return input;
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    if (i + 1 >= input.length) break; // a trailing backslash is dropped
    let digits = '';
    while (digits.length < 6 && isHex(input[i + 1 + digits.length])) digits += input[i + 1 + digits.length];
    if (digits) {
      out += unicodeToByte(hex(digits));
      i += digits.length;
      if (input[i + 1] === ' ' || input[i + 1] === '\t' || input[i + 1] === '\n' || input[i + 1] === '\r' || input[i + 1] === '\f') i++;
      continue;
    }
    if (input[i + 1] !== '\n') out += input[i + 1]; // an escaped newline is a line continuation
    i++;
  }
  return out;
}

/** ANSI C escapes: `\a`…`\v`, `\\`, `\?`, quotes, `\xHH`, octal; unknown ones stay as written. */
function cEscape(s: string, i: number): Escape {
  const next = s[i + 1] as string;
  if (C_ESCAPES[next] !== undefined || next === '\\' || next === '?' || next === "'" || next === '"') return { value: C_ESCAPES[next] ?? next, length: 2 };
  return numericEscape(s, i);
}
export const escapeSeqDecode = (input: string): string => decodeEscapes(input, cEscape);

/** Each base64 alphabet character's 6-bit value by char code, -1 for the rest. */
const BASE64_VALUE = ((): Int8Array => {
  const values = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) values[alphabet.charCodeAt(i)] = i;
  return values;
})();
/** Longer inputs go through Buffer (native); shorter ones, the common case, are decoded here without one. */
const SHORT_BASE64 = 256;

/**
 * Characters outside the base64 alphabet are skipped, the first `=` ends the data, and a last
 * group of 2 or 3 characters gives 1 or 2 bytes (as Node's decoder does on the kept characters).
 */
export function base64Decode(input: string): string {
  if (input.length > SHORT_BASE64) return Buffer.from(input.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1');
  let out = '';
  let bits = 0;
  let count = 0;
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    if (code === 0x3d) break; // '='
    const value = code < 128 ? (BASE64_VALUE[code] as number) : -1;
    if (value < 0) continue;
    bits = (bits << 6) | value;
    if (++count === 4) {
      out += String.fromCharCode((bits >> 16) & 0xff, (bits >> 8) & 0xff, bits & 0xff);
      bits = 0;
      count = 0;
    }
  }
  if (count === 2) out += String.fromCharCode((bits >> 4) & 0xff);
  else if (count === 3) out += String.fromCharCode((bits >> 10) & 0xff, (bits >> 2) & 0xff);
  return out;
}

export function hexDecode(input: string): string {
  let out = '';
  for (let i = 0; i + 1 < input.length; i += 2) {
    if (!isHex(input[i]) || !isHex(input[i + 1])) return out;
    out += String.fromCharCode(hex(input.slice(i, i + 2)));
  }
  return out;
}
