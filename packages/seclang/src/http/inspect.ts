/**
 * Node `http` glue shared by the proxy and the middlewares: a Transaction and a request head
 * from an IncomingMessage (raw header pairs, so repeated headers stay separate), an exchange's
 * bookkeeping (engine time, one report when it ends), reading a body, the block answer with its
 * request id (on a ServerResponse or a bare socket), and the audit record of a transaction.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Interruption, MatchedRule, Transaction } from '../engine/transaction.js';
import type { Waf } from '../engine/waf.js';
import type { RequestHead } from '../request/collections.js';

/** `rawHeaders` as name/value pairs (Node decodes header bytes as latin1: one character per byte, as the engine expects). */
export function headerPairs(raw: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] as string, raw[i + 1] as string]);
  return pairs;
}

/** Time spent in the engine for one exchange, summed over the phases it runs. */
export class EngineTimer {
  private nanos = 0n;

  /** Runs `fn`, adding its duration. */
  time<T>(fn: () => T): T {
    const started = process.hrtime.bigint();
    try {
      return fn();
    } finally {
      this.nanos += process.hrtime.bigint() - started;
    }
  }

  get seconds(): number {
    return Number(this.nanos) / 1e9;
  }
}

/** Told once per exchange how it ended, for metrics and the audit log. */
export type ExchangeDone = (tx: Transaction, head: RequestHead, client: string, status: number, engineSeconds: number) => void;

/** One request's inspection: its transaction and head, the engine time, and a finish that reports once. */
export interface Exchange {
  readonly tx: Transaction;
  readonly head: RequestHead;
  /** Runs an engine step, adding its duration. */
  timed<T>(fn: () => T): T;
  /** Runs phase 5 and reports the outcome; later calls do nothing (a failure can be seen twice). */
  finish(status: number): void;
  readonly finished: boolean;
}

export function startExchange(waf: Waf, req: IncomingMessage, done: ExchangeDone): Exchange {
  const engine = new EngineTimer();
  const tx = transactionFor(waf, req);
  const head = requestHead(req);
  const client = req.socket.remoteAddress ?? '';
  let finished = false;
  return {
    tx,
    head,
    timed: (fn) => engine.time(fn),
    finish(status) {
      if (finished) return;
      finished = true;
      engine.time(() => tx.processLogging());
      done(tx, head, client, status, engine.seconds);
    },
    get finished() {
      return finished;
    },
  };
}

export function requestHead(req: IncomingMessage): RequestHead {
  const headers = headerPairs(req.rawHeaders);
  const method = req.method ?? 'GET';
  const uri = req.url ?? '/';
  const protocol = `HTTP/${req.httpVersion}`;
  return { method, uri, protocol, line: `${method} ${uri} ${protocol}`, headers };
}

/**
 * Reads a whole request or response stream. The Transaction applies the body limits
 * (SecRequestBodyLimit + its action, SecResponseBodyLimit) to what it is given.
 */
export function readBody(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** A Transaction for a request, with the connection's addresses. */
export function transactionFor(waf: Waf, req: IncomingMessage): Transaction {
  return waf.newTransaction({ remoteAddr: req.socket.remoteAddress ?? '', remotePort: req.socket.remotePort ?? 0, serverPort: req.socket.localPort ?? 0 });
}

/** Whether the request carries a body, whatever its method (a GET with one is inspected too). */
export function hasRequestBody(req: IncomingMessage): boolean {
  return (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** Appends outgoing headers (a `getHeaders()` object: values may be numbers or arrays) as name/value pairs. */
export function appendHeaderPairs(out: [string, string][], headers: Readonly<Record<string, unknown>>): [string, string][] {
  for (const [name, value] of Object.entries(headers)) for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) out.push([name, String(v)]);
  return out;
}

/** A whole HTTP/1.1 response as bytes, for sockets that have no ServerResponse (upgrades, CONNECT, parser errors). */
export function rawResponse(status: number, headers: readonly (readonly [string, string])[], body?: Buffer): Buffer {
  const head = Buffer.from(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`, 'latin1');
  return body ? Buffer.concat([head, body]) : head;
}

/** The text a blocked client reads. */
export const blockedBody = (requestId: string): string => `Request blocked by Bulwark WAF.\nRequest id: ${requestId}\n`;

/** What a block answers: a status, headers and body, or nothing at all for `drop`. */
export function blockAnswer(interruption: Interruption, requestId: string): { status: number; headers: [string, string][]; body: Buffer } | undefined {
  if (interruption.action === 'drop') return undefined;
  if (interruption.action === 'redirect' && interruption.redirect) return { status: interruption.status, headers: [['location', interruption.redirect], ['x-request-id', requestId], ['content-length', '0']], body: Buffer.alloc(0) };
  const body = Buffer.from(blockedBody(requestId));
  return { status: interruption.status, headers: [['content-type', 'text/plain; charset=utf-8'], ['content-length', String(body.length)], ['x-request-id', requestId], ['connection', 'close']], body };
}

export function sendBlocked(res: ServerResponse, interruption: Interruption, requestId: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const answer = blockAnswer(interruption, requestId);
  if (!answer) {
    res.socket?.destroy();
    return;
  }
  res.writeHead(answer.status, answer.headers.flat());
  res.end(answer.body);
}

/** The block answer on a bare socket (an upgrade or CONNECT has no ServerResponse). */
export function sendBlockedOnSocket(socket: Duplex, interruption: Interruption, requestId: string): void {
  const answer = blockAnswer(interruption, requestId);
  if (answer) socket.end(rawResponse(answer.status, answer.headers, answer.body));
  else socket.destroy();
}

/** One JSON audit line: what was asked, which rules matched, what was done. */
export interface AuditRecord {
  time: string;
  id: string;
  client: string;
  method: string;
  uri: string;
  status: number;
  mode: string;
  blocked: boolean;
  interruption?: Interruption;
  wouldInterrupt?: Interruption;
  anomalyScore: number;
  rules: Pick<MatchedRule, 'id' | 'msg' | 'logdata' | 'severity' | 'tags'>[];
  /** Set when Node's HTTP parser refused the request before any rule ran. */
  rejected?: { code: string; requestLine: string };
}

export function auditRecord(tx: Transaction, head: RequestHead, client: string, status: number): AuditRecord {
  const score = Number(tx.tx.get('blocking_inbound_anomaly_score')[0]?.value ?? tx.tx.get('inbound_anomaly_score')[0]?.value ?? 0) || 0;
  return {
    time: new Date().toISOString(),
    id: tx.id,
    client,
    method: head.method,
    uri: head.uri,
    status,
    mode: tx.mode,
    blocked: tx.interruption !== undefined,
    ...(tx.interruption ? { interruption: tx.interruption } : {}),
    ...(tx.wouldInterrupt ? { wouldInterrupt: tx.wouldInterrupt } : {}),
    anomalyScore: score,
    rules: tx.matched.filter((m) => m.log).map((m) => ({ id: m.id, msg: m.msg, logdata: m.logdata, ...(m.severity !== undefined ? { severity: m.severity } : {}), tags: m.tags })),
  };
}
