/**
 * Runs go-ftw test cases in-process: each stage's raw request goes through a Transaction and
 * the echo backend, then the expectations are checked — `expect_ids` / `no_expect_ids`
 * against the logged rule ids, `status`, `log_contains`/`match_regex` against the log lines.
 * Engine override files replace expectations per test, as go-ftw applies them.
 */
import RE2 from 're2';
import type { Waf } from '../engine/waf.js';
import type { MatchedRule } from '../engine/matched-rule.js';
import { parseRawRequest } from '../request/raw-request.js';
import { echoBackend } from './echo-backend.js';
import { requestBytes, type FtwOutput, type FtwOverride, type FtwStage, type FtwTest } from './ftw-tests.js';

export interface FtwCaseResult {
  name: string;
  outcome: 'passed' | 'failed' | 'skipped';
  /** Why it failed or was skipped. */
  reason?: string;
}

export interface FtwRunSummary {
  results: FtwCaseResult[];
  passed: number;
  failed: number;
  skipped: number;
}

/** Log-safe text: control bytes, bytes ≥ 0x7f, quotes and backslashes as `\xHH`, as ModSecurity logs them. */
export function escapeLog(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    out += code < 0x20 || code >= 0x7f || c === '"' || c === '\\' ? `\\x${code.toString(16).padStart(2, '0')}` : c;
  }
  return out;
}

/** The log line a matched rule writes (ModSecurity's `[id "…"] [msg "…"]` shape). */
export const logLine = (m: MatchedRule): string =>
  `[file "${m.file}"] [line "${m.line}"] [id "${m.id}"] [msg "${escapeLog(m.msg)}"] [data "${escapeLog(m.logdata)}"]${m.severity ? ` [severity "${m.severity}"]` : ''}${m.tags.map((t) => ` [tag "${escapeLog(t)}"]`).join('')}`;

export interface StageRun {
  logged: number[];
  log: string;
  status: number;
}

function runStage(waf: Waf, stage: FtwStage): StageRun {
  const raw = parseRawRequest(requestBytes(stage.input));
  const tx = waf.newTransaction({ serverPort: stage.input.port ?? 80 });
  let interruption = tx.processRequestHeaders(raw) ?? tx.processRequestBody(raw.body);
  let status: number;
  if (interruption) status = interruption.status;
  else {
    const response = echoBackend(raw.method, raw.uri, raw.body);
    interruption = tx.processResponseHeaders(response.status, 'HTTP/1.1', response.headers) ?? tx.processResponseBody(response.body);
    status = interruption ? interruption.status : response.status;
  }
  tx.processLogging();
  const logged = tx.matched.filter((m) => m.log);
  return { logged: logged.map((m) => m.id), log: logged.map(logLine).join('\n'), status };
}

export function checkStage(output: FtwOutput, run: StageRun): string | undefined {
  const missing = output.expectIds.filter((id) => !run.logged.includes(id));
  if (missing.length) return `expected ids not logged: ${missing.join(', ')}`;
  const unwanted = output.noExpectIds.filter((id) => run.logged.includes(id));
  if (unwanted.length) return `unexpected ids logged: ${unwanted.join(', ')}`;
  if (output.status !== undefined && output.status !== run.status) return `status ${run.status}, expected ${output.status}`;
  for (const [pattern, want] of [[output.logContains ?? output.matchRegex, true], [output.noLogContains ?? output.noMatchRegex, false]] as const) {
    if (pattern === undefined) continue;
    if (new RE2(pattern, 'u').test(run.log) !== want) return `log ${want ? 'does not match' : 'matches'} /${pattern}/`;
  }
  return undefined;
}

export function overridden(test: FtwTest, overrides: readonly FtwOverride[]): FtwTest {
  const o = overrides.find((x) => x.ruleId === test.ruleId && (x.testIds.length === 0 || x.testIds.includes(test.testId)));
  if (!o) return test;
  return { ...test, stages: test.stages.map((s) => ({ ...s, output: { ...s.output, ...o.output } })) };
}

export function runFtwTests(waf: Waf, tests: readonly FtwTest[], overrides: readonly FtwOverride[] = []): FtwRunSummary {
  const results: FtwCaseResult[] = [];
  for (const original of tests) {
    const test = overridden(original, overrides);
    if (test.stages.some((s) => s.output.expectError)) {
      results.push({ name: test.name, outcome: 'skipped', reason: 'expects a connection error, which needs a network server in front' });
      continue;
    }
    let reason: string | undefined;
    for (const [i, stage] of test.stages.entries()) {
      try {
        reason = checkStage(stage.output, runStage(waf, stage));
      } catch (err) {
        reason = `engine error: ${err instanceof Error ? err.message : String(err)}`;
      }
      if (reason) {
        if (test.stages.length > 1) reason = `stage ${i + 1}: ${reason}`;
        break;
      }
    }
    results.push(reason ? { name: test.name, outcome: 'failed', reason } : { name: test.name, outcome: 'passed' });
  }
  return summarize(results);
}

export function summarize(results: FtwCaseResult[]): FtwRunSummary {
  const count = (o: FtwCaseResult['outcome']): number => results.filter((r) => r.outcome === o).length;
  return { results, passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}
