/**
 * go-ftw regression tests (the format the CRS ships its tests in): YAML files with `rule_id`
 * and `tests[].stages[].{input, output}`, plus per-engine override files. Loads them into
 * typed cases; a malformed file is a problem naming the file, and the others still load.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { expandDataTemplate } from './data-template.js';

export interface FtwInput {
  method: string;
  uri: string;
  version: string;
  /** Header lines in file order (names as written). */
  headers: [string, string][];
  data?: string;
  /** A whole raw request given base64-encoded (`encoded_request`); wins over the fields. */
  encodedRequest?: Buffer;
  /** Add Content-Length / Connection headers as go-ftw does (default on). */
  autocompleteHeaders: boolean;
  destAddr?: string;
  port?: number;
}

export interface FtwOutput {
  expectIds: number[];
  noExpectIds: number[];
  status?: number;
  responseContains?: string;
  logContains?: string;
  noLogContains?: string;
  matchRegex?: string;
  noMatchRegex?: string;
  expectError?: boolean;
}

export interface FtwStage {
  input: FtwInput;
  output: FtwOutput;
}

export interface FtwTest {
  ruleId: number;
  testId: number;
  /** `942100-1`: how go-ftw names a test. */
  name: string;
  desc: string;
  stages: FtwStage[];
  file: string;
}

export interface FtwOverride {
  ruleId: number;
  testIds: number[];
  reason: string;
  output: Partial<FtwOutput>;
}

export interface FtwLoadResult {
  tests: FtwTest[];
  problems: { file: string; message: string }[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const ids = (v: unknown): number[] => (Array.isArray(v) ? v.filter((x): x is number => Number.isInteger(x)) : []);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

function readOutput(o: unknown): Partial<FtwOutput> {
  if (!isObject(o)) return {};
  const log = isObject(o.log) ? o.log : {};
  const out: Partial<FtwOutput> = {};
  if (log.expect_ids !== undefined) out.expectIds = ids(log.expect_ids);
  if (log.no_expect_ids !== undefined) out.noExpectIds = ids(log.no_expect_ids);
  if (Number.isInteger(o.status)) out.status = o.status as number;
  const fields: [keyof FtwOutput, unknown][] = [
    ['responseContains', o.response_contains],
    ['logContains', o.log_contains],
    ['noLogContains', o.no_log_contains],
    ['matchRegex', log.match_regex],
    ['noMatchRegex', log.no_match_regex],
  ];
  for (const [key, value] of fields) if (typeof value === 'string') (out as Record<string, unknown>)[key] = value;
  if (typeof o.expect_error === 'boolean') out.expectError = o.expect_error;
  return out;
}

function readInput(i: unknown): FtwInput {
  const input = isObject(i) ? i : {};
  const headers: [string, string][] = isObject(input.headers) ? Object.entries(input.headers).map(([k, v]) => [k, text(v) ?? '']) : [];
  const result: FtwInput = {
    method: text(input.method) ?? 'GET',
    uri: text(input.uri) ?? '/',
    version: text(input.version) ?? 'HTTP/1.1',
    headers,
    autocompleteHeaders: input.autocomplete_headers !== false,
  };
  const data = text(input.data);
  if (data !== undefined) result.data = expandDataTemplate(data);
  if (typeof input.encoded_request === 'string') result.encodedRequest = Buffer.from(input.encoded_request, 'base64');
  if (typeof input.dest_addr === 'string') result.destAddr = input.dest_addr;
  if (Number.isInteger(input.port)) result.port = input.port as number;
  return result;
}

/** Parses one test file's text. */
export function parseFtwFile(source: string, file: string): FtwTest[] {
  const doc: unknown = parse(source, { maxAliasCount: 100 });
  if (doc === null || doc === undefined) return []; // only comments (CRS keeps placeholders like that)
  // CRS keeps its per-engine override files beside the tests: say what they are and how to use one.
  if (isObject(doc) && Array.isArray(doc.test_overrides)) throw new Error('a go-ftw overrides file, not tests (give it with --overrides)');
  if (!isObject(doc) || !Number.isInteger(doc.rule_id) || !Array.isArray(doc.tests)) throw new Error('not a go-ftw test file (needs rule_id and tests)');
  const ruleId = doc.rule_id as number;
  return doc.tests.map((t, n) => {
    if (!isObject(t) || !Array.isArray(t.stages)) throw new Error(`test ${n + 1} has no stages`);
    const testId = Number.isInteger(t.test_id) ? (t.test_id as number) : n + 1;
    return {
      ruleId,
      testId,
      name: `${ruleId}-${testId}`,
      desc: text(t.desc) ?? '',
      file,
      stages: t.stages.map((s) => {
        const stage = isObject(s) ? s : {};
        const output = readOutput(stage.output);
        return { input: readInput(stage.input), output: { expectIds: output.expectIds ?? [], noExpectIds: output.noExpectIds ?? [], ...output } };
      }),
    };
  });
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

/** Every test under a directory (recursively), with the files that could not be read. */
export function loadFtwTests(dir: string): FtwLoadResult {
  const result: FtwLoadResult = { tests: [], problems: [] };
  for (const file of yamlFiles(dir)) {
    try {
      result.tests.push(...parseFtwFile(readFileSync(file, 'utf8'), file));
    } catch (err) {
      result.problems.push({ file, message: err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err) });
    }
  }
  return result;
}

/** An engine override file (`coraza-overrides.yaml`): replaced expectations per rule and test ids. */
export function parseFtwOverrides(source: string): FtwOverride[] {
  const doc: unknown = parse(source, { maxAliasCount: 100 });
  const list = isObject(doc) && Array.isArray(doc.test_overrides) ? doc.test_overrides : [];
  return list.filter(isObject).map((o) => ({ ruleId: Number(o.rule_id), testIds: ids(o.test_ids), reason: text(o.reason) ?? '', output: readOutput(o.output) }));
}

/**
 * The request bytes go-ftw would send for a stage: `encoded_request` as is; otherwise the
 * request line, the headers in order and the body, with Content-Length and Connection added
 * and (for a body) Content-Type `application/x-www-form-urlencoded` added when
 * `autocomplete_headers` is on and they are missing.
 */
export function requestBytes(input: FtwInput): Buffer {
  if (input.encodedRequest) return input.encodedRequest;
  // YAML strings are text; go-ftw sends them UTF-8 encoded.
  const body = Buffer.from(input.data ?? '', 'utf8');
  const headers = [...input.headers];
  const has = (name: string): boolean => headers.some(([k]) => k.toLowerCase() === name);
  if (input.autocompleteHeaders) {
    if (body.length > 0 && !has('content-type')) headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
    if (body.length > 0 && !has('content-length')) headers.push(['Content-Length', String(body.length)]);
    if (!has('connection')) headers.push(['Connection', 'close']);
  }
  const head = `${input.method} ${input.uri} ${input.version}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), body]);
}
