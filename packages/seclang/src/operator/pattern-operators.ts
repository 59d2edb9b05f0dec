/**
 * Pattern operators: `@rx` on RE2 (linear time on attacker input; captures for `capture`),
 * `@pm` / `@pmFromFile` phrase sets on Aho-Corasick (case-insensitive, as in ModSecurity),
 * and the always/never matchers.
 */
import { isAbsolute, join } from 'node:path';
import RE2 from 're2';
import { toBytes } from '../transform/bytes.js';
import { AhoCorasick } from '../util/aho-corasick.js';
import { BoundedMemo } from '../util/bounded-memo.js';
import { re2Input } from '../util/re2-input.js';
import { rememberingShort } from '../util/repeat-memo.js';
import { hasMacro, result, type CompiledOperator, type OperatorFactory } from './operator.js';

/** Patterns built from macros at run time (`^%{tx.allowed_methods}$`): compiled once per text. */
const expanded = new BoundedMemo<string, RE2>(1000);

function compileRx(pattern: string): RE2 {
  return new RE2(pattern, 'su');
}

const compiledExpansion = (pattern: string): RE2 => expanded.get(pattern) ?? expanded.set(pattern, compileRx(pattern));

const exec = (re: RE2, value: string): ReturnType<CompiledOperator> => {
  const m = re.exec(value);
  return m ? result(true, m.slice(0, 10).map((g) => g ?? '')) : result(false);
};

/**
 * Without captures only the verdict matters: for a fixed pattern, short values (they repeat
 * across requests: header values, common parameters) are remembered, bounded so that
 * attacker-chosen values only lower the hit rate.
 */
function rememberingTest(re: RE2): CompiledOperator {
  const test = rememberingShort((value) => re.test(re2Input(value)), 1024);
  return (value) => result(test(value));
}

const rx: OperatorFactory = (argument, ctx) => {
  if (hasMacro(argument)) return (value, env) => exec(compiledExpansion(env.expand(argument)), value);
  const re = compileRx(argument);
  const test = rememberingTest(re);
  if (ctx.wantCaptures === false) return test;
  // Most values do not match: a remembered test first, the capturing exec only on a match (its
  // outcome for a short value that repeats — a header that always matches — remembered too;
  // outcomes are never modified by their users).
  const capture = rememberingShort((value) => exec(re, value), 1024);
  return (value, env) => (test(value, env).matched ? capture(value) : result(false));
};

function phraseMatcher(phrases: string[]): CompiledOperator {
  const unique = [...new Set(phrases.filter(Boolean))];
  const ac = new AhoCorasick(unique.map((p) => toBytes(p)), true);
  return (value) => {
    const hit = ac.firstInByteString(value);
    if (!hit) return result(false);
    const phrase = unique[hit.pattern] as string;
    return result(true, [value.slice(hit.end - phrase.length, hit.end)]);
  };
}

/** Data-file lines: blank lines and `#` comments skipped, surrounding whitespace trimmed. */
export const dataFileLines = (text: string): string[] => text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

export const PATTERN_OPERATORS: Record<string, OperatorFactory> = {
  rx,
  pm: (argument) => phraseMatcher(argument.split(/\s+/)),
  pmfromfile: (argument, ctx) => phraseMatcher(argument.split(/\s+/).filter(Boolean).flatMap((file) => dataFileLines(ctx.readFile(isAbsolute(file) ? file : join(ctx.ruleDir, file))))),
  unconditionalmatch: () => () => result(true),
  nomatch: () => () => result(false),
};
