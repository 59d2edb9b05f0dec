/**
 * SQL injection detection on the token stream (our own rules, not libinjection's fingerprint
 * list): the text is lexed as is and as if it continued a `'…'` or `"…"` string, and flagged
 * when a context shows SQL structure — UNION SELECT, stacked statements, blind/time
 * functions, tautologies (`1 OR 1=1`), or a quote break followed by logic, keywords, a
 * comment that cuts the rest of the query, or concatenation (`'+sleep(5)+'`); and block
 * comments opened inside block comments, which only parser confusion needs.
 */
import { NESTED_COMMENT, tokenizeSql, type SqlToken } from './sql-tokenizer.js';

export interface SqliResult {
  detected: boolean;
  /** Which context and rule fired (`'` break + logic, union select, …). */
  reason?: string;
}

/** Functions whose call is itself an attack signal (time-based, error-based, file access). */
const DANGEROUS_FUNCTIONS = new Set([
  'sleep', 'benchmark', 'pg_sleep', 'waitfor', 'extractvalue', 'updatexml', 'load_file', 'xmltype', 'dbms_pipe', 'receive_message', 'utl_inaddr', 'utl_http',
  'sys_eval', 'sys_exec', 'xp_cmdshell', 'dbms_lock', 'randomblob', 'pg_read_file', 'lo_import', 'name_const', 'exp', 'geometrycollection', 'polygon', 'multipoint',
  'json_keys', 'gtid_subset', 'make_set', 'elt', 'ctxsys', 'drithsx',
]);
/** Functions that only mean SQL right after a quote break. */
const SQL_FUNCTIONS = new Set([...DANGEROUS_FUNCTIONS, 'char', 'chr', 'concat', 'concat_ws', 'ascii', 'ord', 'substring', 'substr', 'mid', 'version', 'database', 'user', 'if', 'iif', 'count', 'length', 'cast', 'convert', 'hex', 'unhex', 'md5', 'group_concat', 'coalesce', 'isnull', 'ifnull', 'nullif', 'db_name', 'current_user', 'system_user', 'schema', 'rand', 'floor', 'instr', 'left', 'right']);
const BREAK_KEYWORDS = new Set(['union', 'select', 'waitfor', 'having', 'procedure', 'into', 'limit', 'exists']);
const STACKED: Record<string, (next: SqlToken[]) => boolean> = {
  select: (n) => n.some((t) => t.type === 'keyword' && t.text === 'from') || n.some((t) => t.type === 'function' || t.type === 'variable') || n[0]?.type === 'number',
  insert: (n) => n[0]?.text === 'into',
  update: (n) => n.some((t) => t.text === 'set'),
  delete: (n) => n[0]?.text === 'from',
  drop: (n) => ['table', 'database', 'schema', 'user', 'procedure'].includes(n[0]?.text ?? ''),
  create: (n) => ['table', 'database', 'schema', 'user', 'procedure'].includes(n[0]?.text ?? ''),
  alter: (n) => ['table', 'database', 'schema', 'user'].includes(n[0]?.text ?? ''),
  truncate: (n) => n[0]?.text === 'table' || n[0]?.type === 'word',
  exec: (n) => n[0]?.type === 'word' || n[0]?.type === 'function',
  execute: (n) => n[0]?.type === 'word' || n[0]?.type === 'function',
  declare: (n) => n[0]?.type === 'variable',
  shutdown: (n) => n.length === 0,
  waitfor: (n) => n[0]?.text === 'delay' || n[0]?.text === 'time',
};

const isValue = (t: SqlToken | undefined): boolean => t !== undefined && (t.type === 'number' || t.type === 'string' || t.type === 'word' || t.type === 'variable' || (t.type === 'keyword' && (t.text === 'null' || t.text === 'true' || t.text === 'false')));
const isLiteral = (t: SqlToken | undefined): boolean => t !== undefined && (t.type === 'number' || t.type === 'string' || t.type === 'variable');

/** Index after any `(`/`)` tokens starting at i (parentheses do not change the structure we look for). */
function skipParens(t: readonly SqlToken[], i: number, kind: 'open' | 'close' | 'both' = 'both'): number {
  while (i < t.length && ((kind !== 'close' && t[i]?.type === 'open') || (kind !== 'open' && t[i]?.type === 'close'))) i++;
  return i;
}

/** `value compare value` starting at i (parentheses allowed): the comparison of a tautology. */
function comparisonAt(t: readonly SqlToken[], i: number): { end: number; literals: number } | undefined {
  const a = skipParens(t, i, 'open');
  if (!isValue(t[a])) return undefined;
  let j = skipParens(t, a + 1, 'close');
  if (t[j]?.type !== 'compare') return undefined;
  if (t[j]?.text === 'not') j++;
  const b = skipParens(t, j + 1, 'open');
  if (t[b]?.type === 'keyword' && t[b]?.text === 'select') return { end: b + 1, literals: 1 };
  if (!isValue(t[b])) return undefined;
  return { end: b + 1, literals: (isLiteral(t[a]) ? 1 : 0) + (isLiteral(t[b]) ? 1 : 0) };
}

/** What follows a logic operator makes it an injected condition. */
function conditionAt(t: readonly SqlToken[], i: number): boolean {
  const j = skipParens(t, i, 'open');
  const tok = t[j];
  if (!tok) return false;
  if (tok.type === 'function' && SQL_FUNCTIONS.has(tok.text)) return true;
  if (tok.type === 'keyword' && (tok.text === 'select' || tok.text === 'exists')) return true;
  if (tok.type === 'logic' && tok.text === 'not') return conditionAt(t, j + 1);
  if (comparisonAt(t, j)) return true;
  // `' or 1 --`, `' or true`: a lone literal that ends the input or meets a comment.
  const next = t[skipParens(t, j + 1, 'close')];
  return (tok.type === 'number' || (tok.type === 'keyword' && tok.text === 'true')) && (next === undefined || next.type === 'comment');
}

function anyContext(all: readonly SqlToken[]): string | undefined {
  const t = all.filter((x) => x.type !== 'comment');
  for (let i = 0; i < t.length; i++) {
    const tok = t[i] as SqlToken;
    if (tok.type === 'keyword' && tok.text === 'union') {
      let j = i + 1;
      if (t[j]?.text === 'all' || t[j]?.text === 'distinct') j++;
      j = skipParens(t, j, 'open');
      if (t[j]?.text === 'select') return 'union select';
    }
    if (tok.type === 'semicolon') {
      const next = t[i + 1];
      const check = next && (next.type === 'keyword' || next.type === 'function' || next.type === 'word') ? STACKED[next.text] : undefined;
      if (check?.(t.slice(i + 2, i + 66))) return `stacked ${next?.text ?? ''}`;
    }
    if (tok.type === 'function' && DANGEROUS_FUNCTIONS.has(tok.text)) return `function ${tok.text}()`;
    if (tok.type === 'keyword' && tok.text === 'waitfor' && (t[i + 1]?.text === 'delay' || t[i + 1]?.text === 'time')) return 'waitfor delay';
    if (tok.type === 'logic' && tok.text !== 'not' && i > 0) {
      const before = t[skipBack(t, i - 1)];
      const cmp = comparisonAt(t, i + 1);
      // Both sides of the comparison literal (`1=1`, `'a'='a'`): prose such as `"yes" or "no" = maybe` stays clean.
      if (isValue(before) && cmp && cmp.literals === 2) return `tautology ${tok.text}`;
    }
  }
  return undefined;
}

function skipBack(t: readonly SqlToken[], i: number): number {
  while (i > 0 && t[i]?.type === 'close') i--;
  return i;
}

/** The text continued a string quoted by `quote`: t[0] is that string, closed by the input. */
function breakContext(all: readonly SqlToken[]): string | undefined {
  const first = all[0];
  if (!first || first.type !== 'string' || !first.closed) return undefined;
  let i = skipParens(all, 1, 'close');
  const next = all[i];
  if (!next) return undefined;
  if (next.type === 'comment') return i + 1 >= all.length || all.slice(i + 1).every((x) => x.type === 'comment') ? 'quote break + comment' : undefined;
  const t = all.filter((x) => x.type !== 'comment');
  i = skipParens(t, 1, 'close');
  const tok = t[i] as SqlToken;
  if (tok.type === 'keyword' && tok.text === 'union') return t.slice(i + 1, i + 4).some((x) => x.text === 'select') ? 'quote break + union select' : undefined;
  if (tok.type === 'keyword' && BREAK_KEYWORDS.has(tok.text)) return `quote break + ${tok.text}`;
  if (tok.type === 'keyword' && (tok.text === 'order' || tok.text === 'group') && t[i + 1]?.text === 'by') return `quote break + ${tok.text} by`;
  if (tok.type === 'logic' && conditionAt(t, i + 1)) return `quote break + ${tok.text}`;
  if (tok.type === 'semicolon' && (t[i + 1]?.type === 'keyword' || t[i + 1]?.type === 'function')) return 'quote break + stacked';
  if (tok.type === 'function' && SQL_FUNCTIONS.has(tok.text)) return `quote break + ${tok.text}()`;
  if (tok.type === 'compare' && isValue(t[i + 1])) {
    // `x' = '1' or 'a'='a`: the comparison then a logic operator.
    const after = skipParens(t, i + 2, 'close');
    if (t[after]?.type === 'logic' && conditionAt(t, after + 1)) return 'quote break + comparison';
  }
  const last = t[t.length - 1];
  if ((tok.type === 'operator' || tok.type === 'logic') && t.length >= 4 && last?.type === 'string' && !last.closed && (t[t.length - 2]?.type === 'operator' || t[t.length - 2]?.type === 'logic')) return 'quote break + concatenation';
  return undefined;
}

export function detectSqli(input: string): SqliResult {
  if (input.length === 0) return { detected: false };
  const tokens = tokenizeSql(input);
  if (tokens.some((t) => t.type === 'comment' && t.text === NESTED_COMMENT)) return { detected: true, reason: 'nested comment' };
  const plain = anyContext(tokens);
  if (plain) return { detected: true, reason: plain };
  for (const quote of ["'", '"']) {
    if (!input.includes(quote)) continue;
    const tokens = tokenizeSql(input, quote);
    const reason = breakContext(tokens) ?? anyContext(tokens.slice(1));
    if (reason) return { detected: true, reason: `${quote} ${reason}` };
  }
  return { detected: false };
}
