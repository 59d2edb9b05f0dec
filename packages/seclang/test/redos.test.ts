/**
 * ReDoS: every `@rx` of the CRS runs on RE2 (no backtracking), so attacker input costs time
 * linear in its length. Checked by running each pattern, through the engine's own operator, on
 * inputs built to make backtracking engines explode, and bounding the slowest one.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_ENV, compileOperator, parseRuleSetFiles, type Rule } from '../src/index.js';

const CRS = resolve(import.meta.dirname, '../../../../shared/data/crs');
const SIZE = 64 * 1024;

/** Classic catastrophic-backtracking shapes: long runs that almost match, then fail at the end. */
const PATHOLOGICAL = [
  'a'.repeat(SIZE) + '!',
  ' '.repeat(SIZE) + 'x',
  '('.repeat(SIZE / 2) + ')'.repeat(SIZE / 2 - 1),
  "'".repeat(SIZE) + '\\',
  '<'.repeat(SIZE / 2) + 'script'.repeat(SIZE / 12),
  '/*'.repeat(SIZE / 2),
  '%'.repeat(SIZE / 3) + '%2'.repeat(SIZE / 3),
  'select '.repeat(SIZE / 7) + '(',
  '${'.repeat(SIZE / 2),
  '\\x'.repeat(SIZE / 2),
];

describe.skipIf(!existsSync(CRS))('ReDoS', () => {
  it('every CRS @rx finishes in bounded time on pathological 64 KiB inputs', () => {
    const files = [join(CRS, 'crs-setup.conf.example'), ...readdirSync(join(CRS, 'rules')).filter((f) => f.endsWith('.conf')).sort().map((f) => join(CRS, 'rules', f))];
    let patterns = 0;
    let slowest = { ms: 0, where: '' };
    for (const item of parseRuleSetFiles(files).items) {
      for (let r: Rule | undefined = item.kind === 'SecRule' ? item : undefined; r; r = r.chained) {
        if (r.operator.name !== 'rx') continue;
        const outcome = compileOperator(r.operator, { ruleDir: dirname(r.file), readFile: (p) => readFileSync(p, 'utf8') });
        if (!outcome.ok) throw new Error(outcome.reason);
        patterns++;
        const started = performance.now();
        for (const input of PATHOLOGICAL) outcome.match(input, NO_ENV);
        const ms = performance.now() - started;
        if (ms > slowest.ms) slowest = { ms, where: `${r.file}:${r.line}` };
      }
    }
    expect(patterns).toBe(318);
    // RE2 scans 640 KiB per pattern in milliseconds; a backtracking engine needs years on some of these.
    expect(slowest.ms, `slowest: ${slowest.where}`).toBeLessThan(2000);
  }, 300_000);
});
