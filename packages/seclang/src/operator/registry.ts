/**
 * Every operator by its SecLang name (lower-case). Adding one = a factory in its family's
 * module + one line here. `compileOperator` turns a parsed operator into a matcher, applying
 * negation; operators not built yet are reported, not guessed.
 */
import type { Operator } from '../model.js';
import { DETECT_OPERATORS } from './detect-operators.js';
import { result, type CompileContext, type CompiledOperator, type OperatorFactory } from './operator.js';
import { PATTERN_OPERATORS } from './pattern-operators.js';
import { STRING_OPERATORS } from './string-operators.js';
import { VALIDATE_OPERATORS } from './validate-operators.js';

export const OPERATORS: Readonly<Record<string, OperatorFactory>> = { ...PATTERN_OPERATORS, ...STRING_OPERATORS, ...VALIDATE_OPERATORS, ...DETECT_OPERATORS };

export type CompileOutcome = { ok: true; match: CompiledOperator } | { ok: false; reason: string };

export function compileOperator(operator: Operator, ctx: CompileContext): CompileOutcome {
  const factory = OPERATORS[operator.name];
  if (!factory) return { ok: false, reason: `operator @${operator.name} is not implemented yet` };
  let match: CompiledOperator;
  try {
    match = factory(operator.argument, ctx);
  } catch (err) {
    return { ok: false, reason: `@${operator.name}: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!operator.negated) return { ok: true, match };
  return { ok: true, match: (value, env) => result(!match(value, env).matched) };
}
