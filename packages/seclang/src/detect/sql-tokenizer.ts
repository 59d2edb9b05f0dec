/**
 * A SQL lexer for detection (not a parser): turns text into typed tokens — strings (closed or
 * not), numbers, keywords, functions, logic and comparison operators, comments, variables,
 * punctuation — in one linear pass. It can start inside a quoted string, which is how an
 * injection that breaks out of `'…'` is seen. Shared by `@detectSQLi` and the RASP agent.
 */
import { isSpace } from '../transform/bytes.js';

export type SqlTokenType = 'string' | 'number' | 'keyword' | 'function' | 'word' | 'logic' | 'compare' | 'operator' | 'open' | 'close' | 'comma' | 'semicolon' | 'dot' | 'comment' | 'variable' | 'other';

/** The text of a block comment token that opens another block comment inside itself. */
export const NESTED_COMMENT = '/*/*';

export interface SqlToken {
  type: SqlTokenType;
  /** Lower-cased for words; the literal for strings (without quotes). */
  text: string;
  /** Strings: whether the closing quote was found. */
  closed?: boolean;
}

export const SQL_KEYWORDS = new Set([
  'select', 'from', 'where', 'union', 'all', 'distinct', 'insert', 'into', 'values', 'update', 'set', 'delete', 'drop', 'create', 'alter', 'table',
  'database', 'schema', 'exec', 'execute', 'declare', 'shutdown', 'truncate', 'grant', 'revoke', 'order', 'group', 'by', 'having', 'limit', 'offset',
  'procedure', 'waitfor', 'delay', 'time', 'case', 'when', 'then', 'else', 'end', 'null', 'exists', 'join', 'inner', 'outer', 'left', 'right', 'cross', 'on', 'as',
  'asc', 'desc', 'top', 'outfile', 'dumpfile', 'load', 'data', 'infile', 'begin', 'commit', 'rollback', 'collate', 'escape', 'natural', 'using', 'with', 'returning',
  'information_schema', 'sysobjects', 'syscolumns', 'true', 'false', 'rename', 'merge', 'call', 'replace', 'user', 'handler', 'do', 'if', 'while',
]);
export const SQL_LOGIC = new Set(['and', 'or', 'xor', 'not', '&&', '||']);
export const SQL_COMPARE_WORDS = new Set(['like', 'rlike', 'regexp', 'is', 'in', 'between', 'sounds', 'glob', 'match', 'div', 'mod']);

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
// Code comparisons, not regex literals: a literal inside a function is a new RegExp per call.
const isLetterCode = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x24 || c >= 0x80;
const isWordStart = (c: string | undefined): boolean => c !== undefined && isLetterCode(c.charCodeAt(0));
const isWordChar = (c: string | undefined): boolean => c !== undefined && (isLetterCode(c.charCodeAt(0)) || (c >= '0' && c <= '9'));
const isHexChar = (c: string | undefined): boolean => c !== undefined && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));

/** Reads a quoted string from `start` (after the opening quote); `''` and `\x` are escapes. */
function readString(input: string, start: number, quote: string): { text: string; end: number; closed: boolean } {
  let i = start;
  while (i < input.length) {
    const c = input[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (input[i + 1] === quote) {
        i += 2;
        continue;
      }
      return { text: input.slice(start, i), end: i + 1, closed: true };
    }
    i++;
  }
  return { text: input.slice(start), end: input.length, closed: false };
}

const TWO_CHAR: Record<string, SqlTokenType> = { '||': 'logic', '&&': 'logic', '<=': 'compare', '>=': 'compare', '<>': 'compare', '!=': 'compare', '==': 'compare', ':=': 'compare' };
const ONE_CHAR: Record<string, SqlTokenType> = { '=': 'compare', '<': 'compare', '>': 'compare', '(': 'open', ')': 'close', ',': 'comma', ';': 'semicolon', '.': 'dot', '+': 'operator', '-': 'operator', '*': 'operator', '/': 'operator', '%': 'operator', '|': 'operator', '&': 'operator', '^': 'operator', '~': 'operator', '!': 'operator' };

/** Tokens of `input`; with `inQuote`, the text starts inside a string quoted by that character. */
export function tokenizeSql(input: string, inQuote?: string, maxTokens = Number.POSITIVE_INFINITY): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  if (inQuote) {
    const s = readString(input, 0, inQuote);
    tokens.push({ type: 'string', text: s.text, closed: s.closed });
    i = s.end;
  }
  while (i < input.length && tokens.length < maxTokens) {
    const c = input[i] as string;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const s = readString(input, i + 1, c);
      tokens.push({ type: 'string', text: s.text, closed: s.closed });
      i = s.end;
      continue;
    }
    if (c === '`') {
      const end = input.indexOf('`', i + 1);
      tokens.push({ type: 'word', text: input.slice(i + 1, end < 0 ? input.length : end).toLowerCase() });
      i = end < 0 ? input.length : end + 1;
      continue;
    }
    if ((c === '-' && input[i + 1] === '-') || c === '#') {
      const nl = input.indexOf('\n', i);
      tokens.push({ type: 'comment', text: c === '#' ? '#' : '--' });
      i = nl < 0 ? input.length : nl + 1;
      continue;
    }
    if (c === '/' && input[i + 1] === '*') {
      if (input[i + 2] === '!') {
        // MySQL executable comment: its content is code (`/*!50000UNION*/`).
        i += 3;
        while (isDigit(input[i])) i++;
        continue;
      }
      const end = input.indexOf('*/', i + 2);
      // A comment that opens another before it closes (slash-star, slash-star, slash): no SQL
      // dialect nests comments this way, so it is there to confuse a parser.
      const inner = input.indexOf('/*', i + 2);
      tokens.push({ type: 'comment', text: inner >= 0 && (end < 0 || inner < end) ? NESTED_COMMENT : '/*' });
      i = end < 0 ? input.length : end + 2;
      continue;
    }
    if (c === '*' && input[i + 1] === '/') {
      i += 2; // the end of an executable comment
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(input[i + 1]))) {
      let j = i;
      const next = input[i + 1];
      const radix = c === '0' && (next === 'x' || next === 'X' || next === 'b' || next === 'B') ? 16 : 10;
      if (radix === 16) j += 2;
      while (j < input.length && (radix === 16 ? isHexChar(input[j]) : isDigit(input[j]) || input[j] === '.')) j++;
      if ((input[j] === 'e' || input[j] === 'E') && (isDigit(input[j + 1]) || ((input[j + 1] === '+' || input[j + 1] === '-') && isDigit(input[j + 2])))) {
        j += 2;
        while (isDigit(input[j])) j++;
      }
      tokens.push({ type: 'number', text: input.slice(i, j) });
      i = j;
      continue;
    }
    if (c === '@') {
      let j = i + 1;
      if (input[j] === '@') j++;
      while (isWordChar(input[j])) j++;
      tokens.push({ type: 'variable', text: input.slice(i, j).toLowerCase() });
      i = j;
      continue;
    }
    if (isWordStart(c)) {
      let j = i + 1;
      while (isWordChar(input[j])) j++;
      const word = input.slice(i, j).toLowerCase();
      let k = j;
      while (isSpace(input[k])) k++;
      const type: SqlTokenType = SQL_LOGIC.has(word) ? 'logic' : SQL_COMPARE_WORDS.has(word) ? 'compare' : input[k] === '(' && !SQL_KEYWORDS.has(word) ? 'function' : SQL_KEYWORDS.has(word) ? 'keyword' : 'word';
      tokens.push({ type, text: word });
      i = j;
      continue;
    }
    const two = input.slice(i, i + 2);
    if (TWO_CHAR[two]) {
      tokens.push({ type: TWO_CHAR[two] as SqlTokenType, text: two });
      i += 2;
      continue;
    }
    tokens.push({ type: ONE_CHAR[c] ?? 'other', text: c });
    i++;
  }
  return tokens;
}
