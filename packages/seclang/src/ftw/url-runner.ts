/**
 * go-ftw tests against a running WAF (`waf test --url`): each stage's raw bytes go over TCP as
 * go-ftw sends them, the status comes from the response, and the rule ids from the WAF's JSON
 * audit log (the line whose id the response's `x-request-id` names). A request the HTTP server
 * rejects before the WAF sees it has no audit line: no rule ids, which is what happened.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { connect } from 'node:net';
import { checkStage, escapeLog, overridden, summarize, type FtwCaseResult, type FtwRunSummary, type StageRun } from './runner.js';
import { requestBytes, type FtwOverride, type FtwStage, type FtwTest } from './ftw-tests.js';

const RESPONSE_TIMEOUT_MS = 3000;

/** Sends raw bytes; resolves with the response head once it is complete (or what came before close). */
function exchange(host: string, port: number, bytes: Buffer): Promise<{ status: number; requestId?: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    let head = '';
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      socket.destroy();
      const status = Number(/^HTTP\/\d(?:\.\d)? (\d{3})/.exec(head)?.[1] ?? 0);
      const requestId = /\r\nx-request-id:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim();
      resolve(requestId ? { status, requestId } : { status });
    };
    socket.setTimeout(RESPONSE_TIMEOUT_MS, finish);
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.write(bytes);
  });
}

/** Audit lines by transaction id, read incrementally from the JSON-lines log. */
class AuditLogReader {
  private offset = 0;
  private partial = '';
  private readonly byId = new Map<string, string>();
  constructor(private readonly file: string) {}

  find(requestId: string): string | undefined {
    const known = this.byId.get(requestId);
    if (known) return known;
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return undefined;
    }
    try {
      const chunk = Buffer.alloc(1 << 20);
      for (;;) {
        const n = readSync(fd, chunk, 0, chunk.length, this.offset);
        if (n <= 0) break;
        this.offset += n;
        const lines = (this.partial + chunk.subarray(0, n).toString('utf8')).split('\n');
        this.partial = lines.pop() ?? '';
        for (const line of lines) {
          const id = /"id":"([^"]+)"/.exec(line)?.[1];
          if (id) this.byId.set(id, line);
        }
      }
    } finally {
      closeSync(fd);
    }
    return this.byId.get(requestId);
  }
}

/** The rule ids of one transaction (waits briefly for its line to be written). */
async function loggedIds(log: AuditLogReader, requestId: string): Promise<{ ids: number[]; log: string }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const line = log.find(requestId);
    if (line) {
      const record = JSON.parse(line) as { rules?: { id: number; msg?: string; logdata?: string }[] };
      const rules = record.rules ?? [];
      return { ids: rules.map((r) => r.id), log: rules.map((r) => `[id "${r.id}"] [msg "${escapeLog(r.msg ?? '')}"] [data "${escapeLog(r.logdata ?? '')}"]`).join('\n') };
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { ids: [], log: '' };
}

async function runStage(url: URL, log: AuditLogReader, stage: FtwStage): Promise<StageRun> {
  const { status, requestId } = await exchange(url.hostname, Number(url.port || 80), requestBytes(stage.input));
  const logged = requestId ? await loggedIds(log, requestId) : { ids: [], log: '' };
  return { logged: logged.ids, log: logged.log, status };
}

export async function runFtwTestsAgainstUrl(url: URL, logFile: string, tests: readonly FtwTest[], overrides: readonly FtwOverride[] = []): Promise<FtwRunSummary> {
  const results: FtwCaseResult[] = [];
  const log = new AuditLogReader(logFile);
  for (const original of tests) {
    const test = overridden(original, overrides);
    let reason: string | undefined;
    for (const [i, stage] of test.stages.entries()) {
      const run = await runStage(url, log, stage);
      // expect_error: the server must refuse or drop the request (no HTTP status back).
      reason = stage.output.expectError ? (run.status === 0 ? undefined : `expected a connection error, got status ${run.status}`) : checkStage(stage.output, run);
      if (reason) {
        if (test.stages.length > 1) reason = `stage ${i + 1}: ${reason}`;
        break;
      }
    }
    results.push(reason ? { name: test.name, outcome: 'failed', reason } : { name: test.name, outcome: 'passed' });
  }
  return summarize(results);
}
