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
export const lowercase = (input: string): string => shiftCase(input, 0x41, 0x5a, 32, (s) => s.toLowerCase());
export const uppercase = (input: string): string => shiftCase(input, 0x61, 0x7a, -32, (s) => s.toUpperCase());
export const removeNulls = (input: string): string => input.replaceAll('\0', '');
export const replaceNulls = (input: string): string => input.replaceAll('\0', ' ');

export function removeWhitespace(input: string): string {
  if (noneOf(input, isSpaceCode)) return input;
  let out = '';
  for (const c of input) if (!isSpace(c)) out += c;
  return out;
}

export function compressWhitespace(input: string): string {
  if (noneOf(input, (c) => c !== 0x20 && isSpaceCode(c)) && !input.includes('  ')) return input;
  let out = '';
  let inSpace = false;
  for (const c of input) {
    if (isSpace(c)) {
      if (!inSpace) out += ' ';
      inSpace = true;
    } else {
      out += c;
      inSpace = false;
    }
  }
  return out;
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
  if (!input.includes('/*')) return input;
  let out = '';
  let i = 0;
  while (i < input.length) {
    if (input[i] === '/' && input[i + 1] === '*') {
      const end = input.indexOf('*/', i + 2);
      out += ' ';
      if (end < 0) return out;
      i = end + 2;
    } else out += input[i++];
  }
  return out;
}

/** Drops the comment markers `/*`, `*\/`, `--` and `#`, keeping what they enclose. */
export function removeCommentsChar(input: string): string {
  if (!input.includes('/*') && !input.includes('*/') && !input.includes('--') && !input.includes('#')) return input;
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const pair = input.slice(i, i + 2);
    if (pair === '/*' || pair === '*/' || pair === '--') i++;
    else if (input[i] !== '#') out += input[i];
  }
  return out;
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
  let pendingSpace = false;
  for (const c of input) {
    if (c === '\\' || c === '"' || c === "'" || c === '^') continue;
    if (isSpace(c) || c === ',' || c === ';') {
      pendingSpace = true;
      continue;
    }
    if (pendingSpace && c !== '/' && c !== '(' && out.length > 0) out += ' ';
    pendingSpace = false;
    out += c >= 'A' && c <= 'Z' ? c.toLowerCase() : c;
  }
  return pendingSpace && out.length > 0 ? `${out} ` : out;
}
