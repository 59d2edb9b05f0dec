/**
 * Operators, case by case (negation, macros in arguments, captures), data files for
 * @pmFromFile, and every operator of the whole CRS compiled with its real data files.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { enterRepeatWindow, newRepeatWindow } from '../src/util/repeat-memo.js';
import { compileOperator, NO_ENV, parseOperator, parseRuleSetFiles, type CompileContext, type OperatorEnv, type Rule } from '../src/index.js';

const ctx: CompileContext = { ruleDir: '/nonexistent', readFile: (p) => readFileSync(p, 'utf8') };
const matcher = (op: string, context = ctx) => {
  const compiled = compileOperator(parseOperator(op), context);
  if (!compiled.ok) throw new Error(compiled.reason);
  return compiled.match;
};
const matches = (op: string, value: string, env: OperatorEnv = NO_ENV): boolean => matcher(op)(value, env).matched;

const CASES: [string, string, boolean][] = [
  ['@rx (?i)union\\s+select', 'x UNION  SELECT y', true],
  ['@rx ^a.b$', 'a\nb', true],
  ['@rx \\xc0\\xae', 'x\xc0\xaey', true],
  ['!@rx ^GET$', 'GET', false],
  ['^GET$', 'GET', true],
  ['@pm select union', 'xx UnIoN yy', true],
  ['@pm select union', 'selec', false],
  ['!@pm a b', 'zzz', true],
  ['@beginsWith /admin', '/admin/x', true],
  ['@endsWith .php', 'a.PHP', false],
  ['@contains ../', '/a/../b', true],
  ['@containsWord exec', 'xp_exec', false],
  ['@containsWord exec', 'a exec(b)', true],
  ['@streq POST', 'POST', true],
  ['@within GET HEAD POST', 'HEAD', true],
  ['@within GET HEAD POST', '', false],
  ['!@within GET HEAD', 'PUT', true],
  ['@eq 0', 'abc', true],
  ['@ge 5', '5', true],
  ['@gt 5', '12abc', true],
  ['@lt 3', '-1', true],
  ['@le 3', '4', false],
  ['@validateByteRange 32-126', 'plain text', false],
  ['@validateByteRange 32-126', 'tab\there', true],
  ['@validateByteRange 1-255', 'a\0b', true],
  ['@validateUrlEncoding', 'a%20b', false],
  ['@validateUrlEncoding', 'a%2gb', true],
  ['@validateUrlEncoding', '100%', true],
  ['@validateUtf8Encoding', 'caf\xc3\xa9', false],
  ['@validateUtf8Encoding', '\xc0\xaf', true],
  ['@validateUtf8Encoding', '\xe0\x80\xaf', true],
  ['@validateUtf8Encoding', '\xe2\x82', true],
  ['@ipMatch 10.0.0.0/8,192.168.1.1', '10.20.30.40', true],
  ['@ipMatch 10.0.0.0/8,192.168.1.1', '192.168.1.2', false],
  ['@ipMatch ::1,2001:db8::/32', '2001:db8::5', true],
  ['@ipMatch 127.0.0.1', 'not an ip', false],
  ['@unconditionalMatch', 'anything', true],
  ['@noMatch', 'anything', false],
];

describe('operators', () => {
  it.each(CASES)('%s on %j → %s', (op, value, expected) => {
    expect(matches(op, value)).toBe(expected);
  });

  it('@ipMatch gives each address its own verdict when addresses come back in later transactions', () => {
    const inList = matcher('@ipMatch 10.0.0.0/8,::1');
    const expected: [string, boolean][] = [['10.1.2.3', true], ['11.1.2.3', false], ['::1', true], ['::2', false], ['not an ip', false]];
    for (let round = 0; round < 4; round++) {
      enterRepeatWindow(newRepeatWindow()); // a new transaction: addresses seen before are now remembered
      for (const [address, inside] of expected) expect(inList(address, NO_ENV).matched).toBe(inside);
    }
  });

  it('expands macros in arguments per call', () => {
    const env: OperatorEnv = { expand: (t) => t.replace('%{tx.inbound_anomaly_score_threshold}', '5').replace('%{tx.allowed_methods}', 'GET POST') };
    expect(matches('@ge %{tx.inbound_anomaly_score_threshold}', '7', env)).toBe(true);
    expect(matches('!@within %{tx.allowed_methods}', 'DELETE', env)).toBe(true);
  });

  it('captures the match and its groups (TX.0…TX.9)', () => {
    expect(matcher('@rx (s)(e)lect')('a select b', NO_ENV).captures).toEqual(['select', 's', 'e']);
    expect(matcher('@pm passwd shadow')('/etc/SHADOW', NO_ENV).captures).toEqual(['SHADOW']);
  });

  it('reads @pmFromFile phrases relative to the rule file, skipping comments', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seclang-pm-'));
    writeFileSync(join(dir, 'words.data'), '# comment\n\n  /etc/passwd  \nwp-config.php\n');
    const match = matcher('@pmFromFile words.data', { ruleDir: dir, readFile: (p) => readFileSync(p, 'utf8') });
    expect(match('GET /../../ETC/passwd', NO_ENV).matched).toBe(true);
    expect(match('# comment', NO_ENV).matched).toBe(false);
  });

  it('reports what it cannot compile instead of guessing', () => {
    expect(compileOperator(parseOperator('@noSuchOperator'), ctx)).toEqual({ ok: false, reason: 'operator @nosuchoperator is not implemented yet' });
    expect(compileOperator(parseOperator('@ipMatch 300.1.1.1'), ctx)).toMatchObject({ ok: false, reason: expect.stringContaining('not an IP address') });
    expect(compileOperator(parseOperator('@validateByteRange 9-300'), ctx)).toMatchObject({ ok: false });
  });
});

const CRS = resolve(import.meta.dirname, '../../../../shared/data/crs');
describe.skipIf(!existsSync(CRS))('CRS operators', () => {
  it('compiles every operator of the CRS with its data files', () => {
    const files = [join(CRS, 'crs-setup.conf.example'), ...readdirSync(join(CRS, 'rules')).filter((f) => f.endsWith('.conf')).sort().map((f) => join(CRS, 'rules', f))];
    const failures: string[] = [];
    let compiled = 0;
    for (const item of parseRuleSetFiles(files).items) {
      for (let r: Rule | undefined = item.kind === 'SecRule' || item.kind === 'SecAction' ? item : undefined; r; r = r.chained) {
        const outcome = compileOperator(r.operator, { ruleDir: dirname(r.file), readFile: (p) => readFileSync(p, 'utf8') });
        if (outcome.ok) compiled++;
        else failures.push(outcome.reason);
      }
    }
    expect(compiled).toBe(703);
    expect(failures).toEqual([]);
  });
});
