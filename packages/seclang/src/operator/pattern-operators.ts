/**
 * Pattern operators: `@rx` on RE2 (linear time on attacker input; captures for `capture`),
 * `@pm` / `@pmFromFile` phrase sets on Aho-Corasick (case-insensitive, as in ModSecurity),
 * and the always/never matchers.
 */
import { isAbsolute, join } from 'node:path';
import RE2 from 're2';
import { toBytes } from '../transform/bytes.js';
import { AhoCorasick } from '../util/aho-corasick.js';
import { hasMacro, result, type CompiledOperator, type OperatorFactory } from './operator.js';

function compileRx(pattern: string): RE2 {
  return new RE2(pattern, 'su');
}

const rx: OperatorFactory = (argument) => {
  const run = (re: RE2, value: string): ReturnType<CompiledOperator> => {
    const m = re.exec(value);
    return m ? result(true, m.slice(0, 10).map((g) => g ?? '')) : result(false);
  };
  if (hasMacro(argument)) return (value, env) => run(compileRx(env.expand(argument)), value);
  const re = compileRx(argument);
  return (value) => run(re, value);
};

function phraseMatcher(phrases: string[]): CompiledOperator {
  const unique = [...new Set(phrases.filter(Boolean))];
  const ac = new AhoCorasick(unique.map((p) => toBytes(p)), true);
  return (value) => {
    const bytes = toBytes(value);
    let first: string | undefined;
    ac.scan(bytes, (hit) => {
      const phrase = unique[hit.pattern] as string;
      first = bytes.subarray(hit.end - phrase.length, hit.end).toString('latin1');
      return true;
    });
    return first === undefined ? result(false) : result(true, [first]);
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
