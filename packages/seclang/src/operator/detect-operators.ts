/**
 * `@detectSQLi` and `@detectXSS`: our token-based detectors (`detect/`) as operators. With
 * `capture`, TX.0 is what fired (context and rule), where libinjection puts its fingerprint.
 */
import { detectSqli } from '../detect/sqli.js';
import { detectXss } from '../detect/xss.js';
import { result, type OperatorFactory } from './operator.js';

export const DETECT_OPERATORS: Record<string, OperatorFactory> = {
  detectsqli: () => (value) => {
    const r = detectSqli(value);
    return r.detected ? result(true, [r.reason ?? 'sqli']) : result(false);
  },
  detectxss: () => (value) => {
    const r = detectXss(value);
    return r.detected ? result(true, [r.reason ?? 'xss']) : result(false);
  },
};
