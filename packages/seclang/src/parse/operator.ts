/**
 * A rule's operator string: `@name argument`, `!@name argument`, or a bare pattern that
 * means `@rx` (negated with a leading `!`).
 */
import type { Operator } from '../model.js';

export function parseOperator(text: string): Operator {
  let rest = text;
  let negated = false;
  if (rest.startsWith('!')) {
    negated = true;
    rest = rest.slice(1);
  }
  if (!rest.startsWith('@')) return { name: 'rx', negated, argument: rest };
  const m = /^@([A-Za-z0-9]+)\s*([\s\S]*)$/.exec(rest);
  return { name: (m?.[1] ?? '').toLowerCase(), negated, argument: m?.[2] ?? '' };
}
