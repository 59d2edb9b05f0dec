/**
 * The SecLang parser: each syntax form on its own, real CRS files, the whole CRS v4 rule set
 * (counts checked against independent counts of the raw text; every @rx compiles in RE2),
 * and typed errors with file and line.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { logicalLines, parseActions, parseOperator, parseRuleSetFiles, parseRuleSetText, parseVariables, splitArguments, type Rule, type RuleSet } from '../src/index.js';

const FIXTURES = resolve(import.meta.dirname, '../../../test/fixtures/crs');
const CRS = resolve(import.meta.dirname, '../../../../shared/data/crs');

const rules = (set: RuleSet): Rule[] => {
  const out: Rule[] = [];
  for (const item of set.items) for (let r: Rule | undefined = item.kind === 'SecRule' || item.kind === 'SecAction' ? item : undefined; r; r = r.chained) out.push(r);
  return out;
};

describe('syntax', () => {
  it('joins continued lines and skips comments', () => {
    expect(logicalLines('# c\nSecRule A \\\n    "@rx x" \\\n  "id:1"\n\n  # indented comment\nSecMarker END\n')).toEqual([
      { text: 'SecRule A     "@rx x"   "id:1"', line: 2 },
      { text: 'SecMarker END', line: 7 },
    ]);
  });

  it('splits arguments with double quotes and \\" escapes', () => {
    expect(splitArguments(' ARGS  "@rx a\\"b\\d" "id:1,msg:\'x\'"')).toEqual(['ARGS', '@rx a"b\\d', "id:1,msg:'x'"]);
    expect(splitArguments('"open')).toEqual({ error: 'unterminated double-quoted argument' });
  });

  it('reads actions with quoted values', () => {
    expect(parseActions("id:942100,phase:2,block,msg:'SQL Injection, detected',t:none,setvar:'tx.score=+%{tx.critical_anomaly_score}',tag:'it\\'s'")).toEqual([
      { name: 'id', value: '942100' },
      { name: 'phase', value: '2' },
      { name: 'block' },
      { name: 'msg', value: 'SQL Injection, detected' },
      { name: 't', value: 'none' },
      { name: 'setvar', value: 'tx.score=+%{tx.critical_anomaly_score}' },
      { name: 'tag', value: "it's" },
    ]);
    expect(parseActions("msg:'open")).toEqual({ error: 'unterminated quote in action msg' });
  });

  it('reads every target form', () => {
    expect(parseVariables('ARGS|!ARGS:foo|&TX:x|REQUEST_COOKIES:/^_ga(?:_\\w+|x)?$/|XML:/*|XML://@*|ARGS:\'/a|b/\'')).toEqual([
      { name: 'ARGS', count: false, exclude: false },
      { name: 'ARGS', key: 'foo', count: false, exclude: true },
      { name: 'TX', key: 'x', count: true, exclude: false },
      { name: 'REQUEST_COOKIES', keyRegex: '^_ga(?:_\\w+|x)?$', count: false, exclude: false },
      { name: 'XML', key: '/*', count: false, exclude: false },
      { name: 'XML', key: '//@*', count: false, exclude: false },
      { name: 'ARGS', keyRegex: 'a|b', count: false, exclude: false },
    ]);
    expect(parseVariables('ARGS|1BAD')).toEqual({ error: "'1BAD' is not a variable" });
  });

  it('reads operators, bare patterns meaning @rx', () => {
    expect(parseOperator('@pm select union')).toEqual({ name: 'pm', negated: false, argument: 'select union' });
    expect(parseOperator('!@within %{tx.allowed_methods}')).toEqual({ name: 'within', negated: true, argument: '%{tx.allowed_methods}' });
    expect(parseOperator('^GET$')).toEqual({ name: 'rx', negated: false, argument: '^GET$' });
    expect(parseOperator('!^GET$')).toEqual({ name: 'rx', negated: true, argument: '^GET$' });
  });

  it('joins chains and lets links inherit the phase', () => {
    const set = parseRuleSetText('SecRule A "@eq 1" "id:10,phase:1,deny,chain"\n  SecRule B "@eq 2" "t:none,t:lowercase"\nSecAction "id:11,phase:5,pass,nolog"\n');
    const [head, action] = set.items as Rule[];
    expect(head?.chained).toMatchObject({ variables: [{ name: 'B' }], phase: 1, transformations: ['none', 'lowercase'] });
    expect(action).toMatchObject({ kind: 'SecAction', id: 11, phase: 5 });
  });
});

describe('errors name the file and line', () => {
  it.each([
    ['SecFoo On\n', /<inline>:1: unknown directive SecFoo/],
    ['\nSecRule ARGS "@rx a" "id:x"\n', /<inline>:2: id 'x' is not a positive integer/],
    ['SecRule ARGS "@rx a" "id:1,phase:9"\n', /phase '9' is not 1-5/],
    ['SecRule ARGS "@rx a" "id:1,chain"\nSecMarker M\n', /SecMarker where the chained rule of line 1 was expected/],
    ['SecRule ARGS "@rx a" "id:1,chain"\n', /ends with chain but no rule follows/],
    ['SecRule ARGS\n', /SecRule takes VARIABLES OPERATOR \[ACTIONS\]/],
    ['SecDefaultAction "log,pass"\n', /must name a phase/],
  ])('%j', (text, message) => {
    expect(() => parseRuleSetText(text)).toThrow(message);
  });

  it('expands Include globs and refuses cycles', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seclang-'));
    writeFileSync(join(dir, 'main.conf'), 'Include rules/*.conf\n');
    const rulesDir = join(dir, 'rules');
    mkdirSync(rulesDir);
    writeFileSync(join(rulesDir, 'b.conf'), 'SecMarker B\n');
    writeFileSync(join(rulesDir, 'a.conf'), 'SecMarker A\n');
    writeFileSync(join(rulesDir, 'a.conf.example'), 'SecMarker NO\n');
    expect(parseRuleSetFiles([join(dir, 'main.conf')]).items.map((i) => (i.kind === 'SecMarker' ? i.name : ''))).toEqual(['A', 'B']);
    writeFileSync(join(dir, 'loop.conf'), 'Include loop.conf\n');
    expect(() => parseRuleSetFiles([join(dir, 'loop.conf')])).toThrow(/loop\.conf:1: Include cycle/);
  });
});

describe('real CRS files', () => {
  it('parses REQUEST-911 (method enforcement): paranoia gating and @within with a macro', () => {
    const set = parseRuleSetFiles([join(FIXTURES, 'REQUEST-911-METHOD-ENFORCEMENT.conf')]);
    const rule = rules(set).find((r) => r.id === 911100);
    expect(rule).toMatchObject({ phase: 1, variables: [{ name: 'REQUEST_METHOD' }], operator: { name: 'within', negated: true, argument: '%{tx.allowed_methods}' } });
    expect(set.items.filter((i) => i.kind === 'SecMarker').map((m) => (m.kind === 'SecMarker' ? m.name : ''))).toEqual(['END-REQUEST-911-METHOD-ENFORCEMENT']);
  });

  it('parses REQUEST-949 (blocking evaluation): markers, chains, macros in operator arguments', () => {
    const set = parseRuleSetFiles([join(FIXTURES, 'REQUEST-949-BLOCKING-EVALUATION.conf')]);
    const ids = rules(set).map((r) => r.id).filter(Boolean);
    expect(ids).toContain(949110);
    const rule = rules(set).find((r) => r.id === 949110);
    expect(rule?.operator).toEqual({ name: 'ge', negated: false, argument: '%{tx.inbound_anomaly_score_threshold}' });
    expect(set.items.filter((i) => i.kind === 'SecMarker').length).toBeGreaterThan(0);
  });
});

describe.skipIf(!existsSync(CRS))('the whole CRS v4 rule set', () => {
  const files = existsSync(CRS) ? [join(CRS, 'crs-setup.conf.example'), ...readdirSync(join(CRS, 'rules')).filter((f) => f.endsWith('.conf')).sort().map((f) => join(CRS, 'rules', f))] : [];
  const raw = files.map((f) => readFileSync(f, 'utf8').replace(/\\\n/g, ' ')).join('\n').split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
  const count = (re: RegExp): number => raw.match(re)?.length ?? 0;

  it('parses every file, with the counts a plain text scan finds', () => {
    const set = parseRuleSetFiles(files);
    const all = rules(set);
    expect(all.filter((r) => r.kind === 'SecRule')).toHaveLength(count(/^\s*SecRule\s/gm));
    expect(all.filter((r) => r.kind === 'SecAction')).toHaveLength(count(/^\s*SecAction\s/gm));
    expect(set.items.filter((i) => i.kind === 'SecMarker')).toHaveLength(count(/^\s*SecMarker\s/gm));
    expect(set.items.filter((i) => i.kind === 'SecRuleUpdateTargetById')).toHaveLength(count(/^\s*SecRuleUpdateTargetById\s/gm));
    expect(all.filter((r) => r.operator.name === 'rx' && !r.operator.negated)).toHaveLength(count(/"@rx /g));
    expect(all.filter((r) => r.operator.name === 'pmfromfile').length).toBe(count(/"!?@pmFromFile /g));
    expect(all.flatMap((r) => r.transformations).filter((t) => t === 'none')).toHaveLength(count(/t:none/g));
    const ids = all.map((r) => r.id).filter((id): id is number => id !== undefined);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(600);
  });

  it('every @rx pattern compiles in RE2 (linear-time matching on attacker input)', () => {
    const patterns = rules(parseRuleSetFiles(files)).filter((r) => r.operator.name === 'rx').map((r) => r.operator.argument);
    const failures = patterns.filter((p) => {
      try {
        new RE2(p, 'u');
        return false;
      } catch {
        return true;
      }
    });
    expect(patterns.length).toBeGreaterThan(300);
    expect(failures).toEqual([]);
  });
});
