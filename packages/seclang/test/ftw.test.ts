/**
 * go-ftw test files: fields read into typed cases, the raw request each stage sends, bad files
 * reported without losing the rest, and the whole CRS regression suite plus its override files.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFtwTests, parseFtwFile, parseFtwOverrides, requestBytes } from '../src/index.js';

const SAMPLE = `---
meta: {author: test}
rule_id: 942100
tests:
  - test_id: 1
    desc: "Simple SQL Injection"
    stages:
      - input:
          dest_addr: 127.0.0.1
          headers:
            Host: localhost
            User-Agent: "OWASP CRS test agent"
          method: POST
          port: 80
          uri: "/post"
          data: "var=1234 OR 1=1"
        output:
          log:
            expect_ids: [942100]
            no_expect_ids: [942101]
          status: 403
  - test_id: 2
    stages:
      - input:
          encoded_request: "R0VUIC8gSFRUUC8xLjENCkhvc3Q6IGxvY2FsaG9zdA0KDQo="
          autocomplete_headers: false
        output:
          log:
            no_expect_ids: [942100]
`;

describe('go-ftw tests', () => {
  it('reads inputs and expectations', () => {
    const [first, second] = parseFtwFile(SAMPLE, 'sample.yaml');
    expect(first).toMatchObject({ name: '942100-1', desc: 'Simple SQL Injection', stages: [{ input: { method: 'POST', uri: '/post', version: 'HTTP/1.1', port: 80, data: 'var=1234 OR 1=1', autocompleteHeaders: true }, output: { expectIds: [942100], noExpectIds: [942101], status: 403 } }] });
    expect(second?.stages[0]?.input.encodedRequest?.toString()).toBe('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(second?.stages[0]?.output).toEqual({ expectIds: [], noExpectIds: [942100] });
  });

  it('builds the request go-ftw sends', () => {
    const [first, second] = parseFtwFile(SAMPLE, 'sample.yaml');
    expect(requestBytes(first!.stages[0]!.input).toString()).toBe('POST /post HTTP/1.1\r\nHost: localhost\r\nUser-Agent: OWASP CRS test agent\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 15\r\nConnection: close\r\n\r\nvar=1234 OR 1=1');
    expect(requestBytes(second!.stages[0]!.input).toString()).toBe('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
  });

  it('expands the Sprig repeat template go-ftw renders in data, bounded, and leaves other braces alone', () => {
    const file = (data: string): string => `rule_id: 920400\ntests:\n  - test_id: 1\n    stages:\n      - input:\n          data: ${JSON.stringify(data)}\n        output: {}\n`;
    const [big] = parseFtwFile(file('a\n{{ "1" | repeat 5 }}\nb {{"xy"|repeat 2}}'), 'repeat.yaml');
    expect(big?.stages[0]?.input.data).toBe('a\n11111\nb xyxy');
    const [xss] = parseFtwFile(file("{{constructor.constructor('alert(1)')()}}"), 'xss.yaml');
    expect(xss?.stages[0]?.input.data).toBe("{{constructor.constructor('alert(1)')()}}");
    expect(() => parseFtwFile(file('{{ "1234" | repeat 9999999999 }}'), 'huge.yaml')).toThrow(/expands past 16777216 bytes/);
  });

  it('reports a malformed file and keeps the others', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftw-'));
    writeFileSync(join(dir, 'good.yaml'), SAMPLE);
    writeFileSync(join(dir, 'bad.yaml'), 'rule_id: [unclosed\n');
    writeFileSync(join(dir, 'other.yaml'), 'hello: world\n');
    writeFileSync(join(dir, 'engine-overrides.yaml'), 'version: "v0.0.0"\nmeta:\n  engine: "coraza"\ntest_overrides:\n  - rule_id: 920100\n    test_ids: [4]\n    output:\n      status: 404\n');
    const loaded = loadFtwTests(dir);
    expect(loaded.tests).toHaveLength(2);
    expect(loaded.problems.map((p) => p.file.split('/').pop())).toEqual(['bad.yaml', 'engine-overrides.yaml', 'other.yaml']);
    // An overrides file beside the tests (as CRS ships them) is named for what it is.
    expect(loaded.problems[1]?.message).toBe('a go-ftw overrides file, not tests (give it with --overrides)');
    expect(loaded.problems[2]?.message).toBe('not a go-ftw test file (needs rule_id and tests)');
  });
});

const TESTS = resolve(import.meta.dirname, '../../../../shared/data/crs/tests/regression');
describe.skipIf(!existsSync(TESTS))('the CRS regression suite', () => {
  it('loads every file; test and expectation counts equal a plain text count', () => {
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const n of readdirSync(d)) {
        if (statSync(join(d, n)).isDirectory()) walk(join(d, n));
        else if (n.endsWith('.yaml')) files.push(join(d, n));
      }
    };
    walk(join(TESTS, 'tests'));
    const raw = files.map((f) => readFileSync(f, 'utf8')).join('\n').split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
    const loaded = loadFtwTests(join(TESTS, 'tests'));
    expect(loaded.problems).toEqual([]);
    expect(files).toHaveLength(258);
    expect(loaded.tests).toHaveLength(raw.match(/^\s*-?\s*test_id:/gm)?.length ?? -1);
    expect(loaded.tests.flatMap((t) => t.stages).filter((s) => s.output.expectIds.length > 0)).toHaveLength(raw.match(/expect_ids:/g)!.length - (raw.match(/no_expect_ids:/g)?.length ?? 0));
    expect(new Set(loaded.tests.map((t) => t.name)).size).toBe(loaded.tests.length);
    expect(loaded.tests.filter((t) => t.stages.some((s) => s.input.encodedRequest))).toHaveLength(raw.match(/encoded_request:/g)?.length ?? -1);
  });

  it('reads the per-engine override files', () => {
    const coraza = parseFtwOverrides(readFileSync(join(TESTS, 'coraza-overrides.yaml'), 'utf8'));
    expect(coraza.length).toBe(readFileSync(join(TESTS, 'coraza-overrides.yaml'), 'utf8').match(/- rule_id:/g)?.length);
    expect(coraza[0]).toMatchObject({ ruleId: 920100, testIds: [4], output: { status: 404 } });
  });
});
