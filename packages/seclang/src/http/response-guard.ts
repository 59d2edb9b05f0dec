/**
 * Response phases (3 and 4) inside a Node app: the app's ServerResponse is wrapped so that its
 * status and headers are inspected before they leave, and — when SecResponseBodyMimeType lists
 * the type — its body is held (up to SecResponseBodyLimit, then processed partially and released)
 * and inspected before it is sent. A block replaces the app's response with the rule's status
 * and the request id; whatever the app writes afterwards is dropped.
 */
import type { ServerResponse, OutgoingHttpHeader, OutgoingHttpHeaders } from 'node:http';
import type { Interruption, Transaction } from '../engine/transaction.js';
import { appendHeaderPairs, sendBlocked } from './inspect.js';

type State = 'pending' | 'holding' | 'passing' | 'sending-block' | 'blocked';
type Callback = (err?: Error | null) => void;
type Method = (this: ServerResponse, ...args: unknown[]) => unknown;

/** Header name/value pairs as rules see them, from set headers and a writeHead argument. */
function headerPairs(res: ServerResponse, extra: OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined): [string, string][] {
  const pairs = appendHeaderPairs([], res.getHeaders());
  if (Array.isArray(extra)) {
    for (let i = 0; i + 1 < extra.length; i += 2) appendHeaderPairs(pairs, { [String(extra[i])]: extra[i + 1] });
  } else if (extra) appendHeaderPairs(pairs, extra);
  return pairs;
}

const toBuffer = (chunk: unknown, encoding: unknown): Buffer => (Buffer.isBuffer(chunk) ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk) : Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));

/**
 * What one guarded response is doing. The response's `writeHead`, `write` and `end` become the
 * shared functions below, which find this state on the response: three closures per request
 * kept each request's transaction alive through young collections (~13 KB promoted per
 * request), like the proxy's old getter did.
 */
class GuardState {
  state: State = 'pending';
  heldHead: unknown[] = [];
  readonly held: Buffer[] = [];
  heldBytes = 0;

  constructor(
    readonly tx: Transaction,
    readonly bodyLimit: number,
    /** The response's own methods (its prototype's, or whatever was installed before us). */
    readonly writeHead: Method,
    readonly write: Method,
    readonly end: Method,
  ) {}

  block(res: ServerResponse, interruption: Interruption): void {
    this.state = 'sending-block';
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    sendBlocked(res, interruption, this.tx.id);
    this.state = 'blocked';
  }

  /** Sends the held head and body; the response streams from here on. */
  release(res: ServerResponse): void {
    this.state = 'passing';
    this.writeHead.apply(res, this.heldHead);
    for (const chunk of this.held.splice(0)) this.write.call(res, chunk);
  }
}

const GUARD = Symbol('bulwark.responseGuard');
type Guarded = ServerResponse & { [GUARD]: GuardState };

function guardedWriteHead(this: Guarded, statusCode: number, ...rest: unknown[]): ServerResponse {
  const g = this[GUARD];
  if (g.state !== 'pending') return g.writeHead.call(this, statusCode, ...rest) as ServerResponse;
  const headers = (typeof rest[0] === 'string' ? rest[1] : rest[0]) as OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined;
  const stop = g.tx.processResponseHeaders(statusCode, `HTTP/${this.req?.httpVersion ?? '1.1'}`, headerPairs(this, headers));
  if (stop) {
    g.block(this, stop);
    return this;
  }
  if (g.tx.wantsResponseBody()) {
    g.state = 'holding';
    g.heldHead = [statusCode, ...rest];
    return this;
  }
  // Phase 4 still runs (rules on other variables), as it does in the proxy.
  const bodyStop = g.tx.processResponseBody();
  if (bodyStop) {
    g.block(this, bodyStop);
    return this;
  }
  g.state = 'passing';
  return g.writeHead.call(this, statusCode, ...rest) as ServerResponse;
}

function guardedWrite(this: Guarded, chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
  const g = this[GUARD];
  const cb = (typeof encoding === 'function' ? encoding : callback) as Callback | undefined;
  if (g.state === 'pending') this.writeHead(this.statusCode);
  if (g.state === 'passing' || g.state === 'sending-block') return g.write.call(this, chunk, encoding, callback) as boolean;
  if (g.state === 'holding') {
    const bytes = toBuffer(chunk, encoding);
    g.held.push(bytes);
    g.heldBytes += bytes.length;
    if (g.heldBytes > g.bodyLimit) {
      // Past the limit: inspect what is held (ProcessPartial), then let the rest stream.
      const stop = g.tx.processResponseBody(Buffer.concat(g.held));
      if (stop) g.block(this, stop);
      else g.release(this);
    }
  }
  if (cb) process.nextTick(cb);
  return true;
}

function guardedEnd(this: Guarded, chunk?: unknown, encoding?: unknown, callback?: unknown): ServerResponse {
  const g = this[GUARD];
  const cb = [chunk, encoding, callback].find((a) => typeof a === 'function') as Callback | undefined;
  const data = typeof chunk === 'function' ? undefined : chunk;
  if (g.state === 'pending') this.writeHead(this.statusCode);
  if (g.state === 'passing' || g.state === 'sending-block') return g.end.apply(this, [chunk, encoding, callback].filter((a) => a !== undefined)) as ServerResponse;
  if (g.state === 'holding') {
    if (data !== undefined && data !== null) g.held.push(toBuffer(data, encoding));
    const stop = g.tx.processResponseBody(Buffer.concat(g.held));
    if (stop) g.block(this, stop);
    else {
      g.release(this);
      return g.end.call(this, cb) as ServerResponse;
    }
  }
  if (cb) process.nextTick(cb);
  return this;
}

/** Wraps `res` for phases 3 and 4 of `tx`; `bodyLimit` bounds what is held for inspection. */
export function guardResponse(tx: Transaction, res: ServerResponse, bodyLimit: number): void {
  (res as Guarded)[GUARD] = new GuardState(tx, bodyLimit, res.writeHead as Method, res.write as Method, res.end as Method);
  res.writeHead = guardedWriteHead as ServerResponse['writeHead'];
  res.write = guardedWrite as ServerResponse['write'];
  res.end = guardedEnd as ServerResponse['end'];
}
