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

/** Whitespace as JavaScript's `\\s` knows it (what the earlier regex-based parse skipped). */
const isJsWhitespace = (c: number): boolean =>
  (c >= 9 && c <= 13) || c === 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;

/**
 * atoi: optional sign and leading digits (at most 15, within the first 64 characters); anything
 * else is 0. A hand-rolled scan: CRS compares numbers a few hundred times per request, and a
 * regex match allocates on every call.
 */
export function toInteger(text: string): number {
  const end = Math.min(text.length, 64);
  let i = 0;
  while (i < end && isJsWhitespace(text.charCodeAt(i))) i++;
  let sign = 1;
  const first = i < end ? text.charCodeAt(i) : 0;
  if (first === 43 || first === 45) {
    if (first === 45) sign = -1;
    i++;
  }
  let n = 0;
  let digits = 0;
  for (; i < end && digits < 15; i++, digits++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  return digits === 0 ? 0 : sign * n;
}

/** Both sides read as integers; a literal argument is read once, when the rule loads. */
const numeric =
  (test: (a: number, b: number) => boolean): OperatorFactory =>
  (argument): CompiledOperator => {
    if (hasMacro(argument)) return (value, env) => result(test(toInteger(value), toInteger(env.expand(argument))));
    const arg = toInteger(argument);
    return (value) => result(test(toInteger(value), arg));
  };

const isWordChar = (c: string | undefined): boolean => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_');

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
