/**
 * Node `http` glue shared by the proxy and the middlewares: a Transaction and a request head
 * from an IncomingMessage (raw header pairs, so repeated headers stay separate), an exchange's
 * bookkeeping (engine time, one report when it ends), reading a body, the upstream silence
 * timeout, the answers the WAF writes itself (block page, 502/504, plain text with the request
 * id; on a ServerResponse or a bare socket), and the audit record of a transaction.
 */
import { STATUS_CODES, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { MatchedRule } from '../engine/matched-rule.js';
import type { Interruption, Transaction } from '../engine/transaction.js';
import type { Waf } from '../engine/waf.js';
import type { RequestHead } from '../request/collections.js';

/** `rawHeaders` as name/value pairs (Node decodes header bytes as latin1: one character per byte, as the engine expects). */
export function headerPairs(raw: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] as string, raw[i + 1] as string]);
  return pairs;
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

/**
 * A class, not an object literal with a `finished` getter: such a literal is a dictionary-mode
 * object whose accessor pair V8 allocates in the old generation, and that pair (dead, but
 * only a full collection frees it) kept the getter's closure and the request's transaction
 * alive through young collections — ~13 KB promoted per request, scavenges of 4–14 ms.
 */
class InspectedExchange implements Exchange {
  readonly tx: Transaction;
  readonly head: RequestHead;
  #engineNanos = 0n;
  #finished = false;

  constructor(
    waf: Waf,
    req: IncomingMessage,
    private readonly done: ExchangeDone,
    private readonly client = req.socket.remoteAddress ?? '',
  ) {
    this.tx = transactionFor(waf, req);
    this.head = requestHead(req);
  }

  get finished(): boolean {
    return this.#finished;
  }

  // Arrow properties: callers destructure them.
  readonly timed = <T>(fn: () => T): T => {
    const started = process.hrtime.bigint();
    try {
      return fn();
    } finally {
      this.#engineNanos += process.hrtime.bigint() - started;
    }
  };

  readonly finish = (status: number): void => {
    if (this.#finished) return;
    this.#finished = true;
    this.timed(() => this.tx.processLogging());
    this.done(this.tx, this.head, this.client, status, Number(this.#engineNanos) / 1e9);
  };
}

export function startExchange(waf: Waf, req: IncomingMessage, done: ExchangeDone): Exchange {
  return new InspectedExchange(waf, req, done);
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
  return transactionForSocket(waf, req.socket);
}

/** A Transaction for what arrived on a connection (also when no request could be parsed). */
export function transactionForSocket(waf: Waf, socket: Socket): Transaction {
  return waf.newTransaction({ remoteAddr: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0, serverPort: socket.localPort ?? 0 });
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

/** A message the WAF answers with, and the request id that finds its audit line. */
const withRequestId = (message: string, requestId: string): string => `${message}\nRequest id: ${requestId}\n`;
const BLOCKED = 'Request blocked by Bulwark WAF.';

/** The text a blocked client reads. */
export const blockedBody = (requestId: string): string => withRequestId(BLOCKED, requestId);

/** An answer the WAF writes itself: status, headers, body. */
export interface Answer {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

/** A plain-text answer that ends with the request id; `close` adds `connection: close`. */
export function textAnswer(status: number, message: string, requestId: string, close = true, extra: [string, string][] = []): Answer {
  const body = Buffer.from(withRequestId(message, requestId));
  const headers: [string, string][] = [...extra, ['content-type', 'text/plain; charset=utf-8'], ['content-length', String(body.length)], ['x-request-id', requestId]];
  if (close) headers.push(['connection', 'close']);
  return { status, headers, body };
}

/** The answer to an upstream that failed: 504 when it stayed silent past the timeout, else 502. */
export const upstreamFailureAnswer = (timedOut: boolean, requestId: string, close: boolean): Answer => textAnswer(timedOut ? 504 : 502, timedOut ? 'Upstream timed out.' : 'Upstream unavailable.', requestId, close);

/**
 * Fails an upstream request that stays silent for `ms` (like nginx's proxy_read_timeout); the
 * returned function tells, once the request has failed, whether that was the reason.
 */
export function failWhenSilent(upstreamReq: ClientRequest, ms: number): () => boolean {
  let timedOut = false;
  upstreamReq.setTimeout(ms, () => {
    timedOut = true;
    upstreamReq.destroy(new Error('upstream timed out'));
  });
  return () => timedOut;
}

/** What a block answers, or nothing at all for `drop`. */
export function blockAnswer(interruption: Interruption, requestId: string): Answer | undefined {
  if (interruption.action === 'drop') return undefined;
  if (interruption.action === 'redirect' && interruption.redirect) return { status: interruption.status, headers: [['location', interruption.redirect], ['x-request-id', requestId], ['content-length', '0']], body: Buffer.alloc(0) };
  return textAnswer(interruption.status, BLOCKED, requestId);
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
  const score = Number(tx.tx.firstLower('blocking_inbound_anomaly_score')?.value ?? tx.tx.firstLower('inbound_anomaly_score')?.value ?? 0) || 0;
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
