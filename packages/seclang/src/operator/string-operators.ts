/**
 * Literal string and number comparisons: beginsWith, endsWith, contains, containsWord, streq,
 * within, and eq/ge/gt/le/lt (both sides read as integers the way ModSecurity's atoi does:
 * leading digits, else 0). Arguments may hold macros.
 */
import { hasMacro, result, type CompiledOperator, type OperatorFactory } from './operator.js';

const literal =
  (test: (value: string, arg: string) => boolean): OperatorFactory =>
  (argument): CompiledOperator =>
    hasMacro(argument) ? (value, env) => result(test(value, env.expand(argument))) : (value) => result(test(value, argument));

/** atoi: optional sign and leading digits; anything else is 0. */
export function toInteger(text: string): number {
  const m = /^\s*([+-]?\d{1,15})/.exec(text.slice(0, 64));
  return m ? Number(m[1]) : 0;
}

const numeric = (test: (a: number, b: number) => boolean): OperatorFactory => literal((value, arg) => test(toInteger(value), toInteger(arg)));

const isWordChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);

export const STRING_OPERATORS: Record<string, OperatorFactory> = {
  beginswith: literal((v, a) => v.startsWith(a)),
  endswith: literal((v, a) => v.endsWith(a)),
  contains: literal((v, a) => v.includes(a)),
  containsword: literal((v, a) => {
    if (a === '') return true;
    for (let i = v.indexOf(a); i >= 0; i = v.indexOf(a, i + 1)) if (!isWordChar(v[i - 1]) && !isWordChar(v[i + a.length])) return true;
    return false;
  }),
  streq: literal((v, a) => v === a),
  // `@within`: the value is a substring of the argument (an empty value never matches).
  within: literal((v, a) => v !== '' && a.includes(v)),
  eq: numeric((a, b) => a === b),
  ge: numeric((a, b) => a >= b),
  gt: numeric((a, b) => a > b),
  le: numeric((a, b) => a <= b),
  lt: numeric((a, b) => a < b),
};
