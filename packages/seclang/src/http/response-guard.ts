/**
 * Response phases (3 and 4) inside a Node app: the app's ServerResponse is wrapped so that its
 * status and headers are inspected before they leave, and — when SecResponseBodyMimeType lists
 * the type — its body is held (up to SecResponseBodyLimit, then processed partially and released)
 * and inspected before it is sent. A block replaces the app's response with the rule's status
 * and the request id; whatever the app writes afterwards is dropped.
 */
import type { OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Interruption, Transaction } from '../engine/transaction.js';
import { appendHeaderPairs, sendBlocked } from './inspect.js';

type State = 'pending' | 'holding' | 'passing' | 'sending-block' | 'blocked';
type Callback = (err?: Error | null) => void;

/** Header name/value pairs as rules see them, from set headers and a writeHead argument. */
function headerPairs(res: ServerResponse, extra: OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined): [string, string][] {
  const pairs = appendHeaderPairs([], res.getHeaders());
  if (Array.isArray(extra)) {
    for (let i = 0; i + 1 < extra.length; i += 2) appendHeaderPairs(pairs, { [String(extra[i])]: extra[i + 1] });
  } else if (extra) appendHeaderPairs(pairs, extra);
  return pairs;
}

const toBuffer = (chunk: unknown, encoding: unknown): Buffer => (Buffer.isBuffer(chunk) ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk) : Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));

/** Wraps `res` for phases 3 and 4 of `tx`; `bodyLimit` bounds what is held for inspection. */
export function guardResponse(tx: Transaction, res: ServerResponse, bodyLimit: number): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  let state: State = 'pending';
  let heldHead: unknown[] = [];
  const held: Buffer[] = [];
  let heldBytes = 0;

  const block = (interruption: Interruption): void => {
    state = 'sending-block';
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    sendBlocked(res, interruption, tx.id);
    state = 'blocked';
  };
  /** Sends the held head and body; the response streams from here on. */
  const release = (): void => {
    state = 'passing';
    writeHead(...heldHead);
    for (const chunk of held.splice(0)) write(chunk);
  };

  res.writeHead = ((statusCode: number, ...rest: unknown[]): ServerResponse => {
    if (state !== 'pending') return writeHead(statusCode, ...rest);
    const headers = (typeof rest[0] === 'string' ? rest[1] : rest[0]) as OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined;
    const stop = tx.processResponseHeaders(statusCode, `HTTP/${res.req?.httpVersion ?? '1.1'}`, headerPairs(res, headers));
    if (stop) {
      block(stop);
      return res;
    }
    if (tx.wantsResponseBody()) {
      state = 'holding';
      heldHead = [statusCode, ...rest];
      return res;
    }
    // Phase 4 still runs (rules on other variables), as it does in the proxy.
    const bodyStop = tx.processResponseBody();
    if (bodyStop) {
      block(bodyStop);
      return res;
    }
    state = 'passing';
    return writeHead(statusCode, ...rest);
  }) as ServerResponse['writeHead'];

  res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    const cb = (typeof encoding === 'function' ? encoding : callback) as Callback | undefined;
    if (state === 'pending') res.writeHead(res.statusCode);
    if (state === 'passing' || state === 'sending-block') return write(chunk, encoding, callback);
    if (state === 'holding') {
      const bytes = toBuffer(chunk, encoding);
      held.push(bytes);
      heldBytes += bytes.length;
      if (heldBytes > bodyLimit) {
        // Past the limit: inspect what is held (ProcessPartial), then let the rest stream.
        const stop = tx.processResponseBody(Buffer.concat(held));
        if (stop) block(stop);
        else release();
      }
    }
    if (cb) process.nextTick(cb);
    return true;
  }) as ServerResponse['write'];

  res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown): ServerResponse => {
    const cb = [chunk, encoding, callback].find((a) => typeof a === 'function') as Callback | undefined;
    const data = typeof chunk === 'function' ? undefined : chunk;
    if (state === 'pending') res.writeHead(res.statusCode);
    if (state === 'passing' || state === 'sending-block') return end(...[chunk, encoding, callback].filter((a) => a !== undefined));
    if (state === 'holding') {
      if (data !== undefined && data !== null) held.push(toBuffer(data, encoding));
      const stop = tx.processResponseBody(Buffer.concat(held));
      if (stop) block(stop);
      else {
        release();
        return end(cb);
      }
    }
    if (cb) process.nextTick(cb);
    return res;
  }) as ServerResponse['end'];
}
