/**
 * `@detectSQLi` and `@detectXSS`: our token-based detectors (`detect/`) as operators. With
 * `capture`, TX.0 is what fired (context and rule), where libinjection puts its fingerprint.
 * Verdicts on short values that repeat across requests (cookies, parameter names) are
 * remembered, as `@rx` verdicts are, so those values are not tokenised on every request.
 */
import { detectSqli } from '../detect/sqli.js';
import { detectXss } from '../detect/xss.js';
import { rememberingShort } from '../util/repeat-memo.js';
import { result, type CompiledOperator, type OperatorFactory } from './operator.js';

function detector(detect: (value: string) => { detected: boolean; reason?: string }, fallbackReason: string): CompiledOperator {
  return rememberingShort((value) => {
    const r = detect(value);
    return r.detected ? result(true, [r.reason ?? fallbackReason]) : result(false);
  }, 1024);
}

export const DETECT_OPERATORS: Record<string, OperatorFactory> = {
  detectsqli: () => detector(detectSqli, 'sqli'),
  detectxss: () => detector(detectXss, 'xss'),
};
