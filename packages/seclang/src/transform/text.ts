/**
 * Text transformations: ASCII case, whitespace and NUL handling, comment removal and the
 * `cmdLine` normalisation of shell command lines (deobfuscation of `c^m"d"`, `/bin//sh` …).
 */
import { isSpace, isSpaceCode, noneOf } from './bytes.js';

/** ASCII-only case mapping (C's tolower/toupper): other bytes stay as they are. */
function shiftCase(input: string, from: number, to: number, delta: number, native: (s: string) => string): string {
  let i = 0;
  let ascii = true;
  while (i < input.length) {
    const c = input.charCodeAt(i);
    if (c >= from && c <= to) break;
    if (c >= 0x80) ascii = false;
    i++;
  }
  if (i === input.length) return input;
  for (let j = i; ascii && j < input.length; j++) if (input.charCodeAt(j) >= 0x80) ascii = false;
  // Pure ASCII: the built-in mapping is the same and builds the result in one piece.
  if (ascii) return native(input);
  let out = input.slice(0, i);
  for (; i < input.length; i++) {
    const c = input.charCodeAt(i);
    out += c >= from && c <= to ? String.fromCharCode(c + delta) : input[i];
  }
  return out;
}
const nativeLower = (s: string): string => s.toLowerCase();
const nativeUpper = (s: string): string => s.toUpperCase();
export const lowercase = (input: string): string => shiftCase(input, 0x41, 0x5a, 32, nativeLower);
export const uppercase = (input: string): string => shiftCase(input, 0x61, 0x7a, -32, nativeUpper);
export const removeNulls = (input: string): string => input.replaceAll('\0', '');
export const replaceNulls = (input: string): string => input.replaceAll('\0', ' ');

/*
 * Builders below copy each run of unchanged characters as one slice: `out += c` per character
 * makes a string per character, and these run on every request value.
 */

export function removeWhitespace(input: string): string {
  if (noneOf(input, isSpaceCode)) return input;
  let out = '';
  let copied = 0;
  for (let i = 0; i < input.length; i++) {
    if (!isSpaceCode(input.charCodeAt(i))) continue;
    out += input.slice(copied, i);
    copied = i + 1;
  }
  return out + input.slice(copied);
}

const isOtherSpaceCode = (c: number): boolean => c !== 0x20 && isSpaceCode(c);

export function compressWhitespace(input: string): string {
  if (noneOf(input, isOtherSpaceCode) && !input.includes('  ')) return input;
  let out = '';
  let copied = 0;
  for (let i = 0; i < input.length; i++) {
    if (!isSpaceCode(input.charCodeAt(i))) continue;
    let end = i + 1;
    while (end < input.length && isSpaceCode(input.charCodeAt(end))) end++;
    // A single plain space stays inside the run being copied.
    if (end === i + 1 && input.charCodeAt(i) === 0x20) continue;
    out += `${input.slice(copied, i)} `;
    copied = end;
    i = end - 1;
  }
  return out + input.slice(copied);
}

function trimStart(input: string): string {
  let i = 0;
  while (i < input.length && isSpace(input[i])) i++;
  return input.slice(i);
}
function trimEnd(input: string): string {
  let i = input.length;
  while (i > 0 && isSpace(input[i - 1])) i--;
  return input.slice(0, i);
}
export const trimLeft = trimStart;
export const trimRight = trimEnd;
export const trim = (input: string): string => trimEnd(trimStart(input));

/** Each C comment `/* … *\/` (also an unterminated one at the end) becomes one space. */
export function replaceComments(input: string): string {
  let out = '';
  let copied = 0;
  for (let open = input.indexOf('/*'); open >= 0; open = input.indexOf('/*', copied)) {
    out += `${input.slice(copied, open)} `;
    const close = input.indexOf('*/', open + 2);
    if (close < 0) return out;
    copied = close + 2;
  }
  return copied === 0 ? input : out + input.slice(copied);
}

/** Drops the comment markers `/*`, `*\/`, `--` and `#`, keeping what they enclose. */
export function removeCommentsChar(input: string): string {
  if (!input.includes('/*') && !input.includes('*/') && !input.includes('--') && !input.includes('#')) return input;
  let out = '';
  let copied = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    const next = input.charCodeAt(i + 1);
    const marker = (c === 0x2f && next === 0x2a) || (c === 0x2a && next === 0x2f) || (c === 0x2d && next === 0x2d) ? 2 : c === 0x23 ? 1 : 0;
    if (marker === 0) continue;
    out += input.slice(copied, i);
    i += marker - 1;
    copied = i + 1;
  }
  return out + input.slice(copied);
}

/** Characters `cmdLine` drops, changes or acts on (a space alone between two words is kept as it is). */
const cmdLineChanges = (c: number): boolean => c === 0x5c || c === 0x22 || c === 0x27 || c === 0x5e || c === 0x2c || c === 0x3b || (c >= 0x41 && c <= 0x5a) || (c !== 0x20 && isSpaceCode(c));
/** Spaces `cmdLine` drops or collapses: leading, trailing, doubled, or before `/` and `(`. */
const CMDLINE_SPACING = /^ | $| {2}| [/(]/;

/**
 * Windows and Unix command-line normalisation: drop `\ " ' ^`, drop spaces before `/` and
 * `(`, turn `,` and `;` into spaces, collapse whitespace, lower-case.
 */
export function cmdLine(input: string): string {
  if (noneOf(input, cmdLineChanges) && !CMDLINE_SPACING.test(input)) return input;
  let out = '';
  let copied = 0;
  let pendingSpace = false;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    const dropped = c === 0x5c || c === 0x22 || c === 0x27 || c === 0x5e;
    const separator = !dropped && (isSpaceCode(c) || c === 0x2c || c === 0x3b);
    if (!dropped && !separator) {
      if (pendingSpace && c !== 0x2f && c !== 0x28 && out.length > 0) out += ' ';
      pendingSpace = false;
      continue;
    }
    // The kept run ends here: copy it, and start the next one after this character.
    out += input.slice(copied, i);
    copied = i + 1;
    if (separator) pendingSpace = true;
  }
  out += input.slice(copied);
  return lowercase(pendingSpace && out.length > 0 ? `${out} ` : out);
}
