/**
 * `@detectSQLi` and `@detectXSS`: our token-based detectors (`detect/`) as operators. With
 * `capture`, TX.0 is what fired (context and rule), where libinjection puts its fingerprint.
 * Verdicts on short values that repeat across requests (cookies, parameter names) are
 * remembered, as `@rx` verdicts are, so those values are not tokenised on every request.
 */
import { detectSqli } from '../detect/sqli.js';
import { detectXss } from '../detect/xss.js';
import { RepeatMemo } from '../util/repeat-memo.js';
import { result, type CompiledOperator, type OperatorFactory, type OperatorResult } from './operator.js';

const MEMO_VALUE_LENGTH = 256;
const MEMO_ENTRIES = 1024;

function detector(detect: (value: string) => { detected: boolean; reason?: string }, fallbackReason: string): CompiledOperator {
  const verdict = (value: string): OperatorResult => {
    const r = detect(value);
    return r.detected ? result(true, [r.reason ?? fallbackReason]) : result(false);
  };
  const memo = new RepeatMemo<OperatorResult>(MEMO_ENTRIES);
  return (value) => (value.length > MEMO_VALUE_LENGTH ? verdict(value) : (memo.get(value) ?? memo.set(value, verdict(value))));
}

export const DETECT_OPERATORS: Record<string, OperatorFactory> = {
  detectsqli: () => detector(detectSqli, 'sqli'),
  detectxss: () => detector(detectXss, 'xss'),
};
