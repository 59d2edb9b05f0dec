/**
 * The engine inside a Node app: `wafRequestListener` wraps any `http` request listener (an
 * Express app included), `wafUpgradeListener` a server's `'upgrade'` listener (WebSocket
 * handshakes), `wafExpress` is Connect/Express middleware, `wafFastify` a Fastify plugin
 * (onRequest, preParsing, onSend, onResponse hooks). The request body is read once,
 * inspected, and handed on unchanged; the response's head and (listed MIME types) body are
 * inspected before they leave; a block answers with the rule's status and the request id.
 */
import { IncomingMessage, type ServerResponse } from 'node:http';
import { Readable, type Duplex } from 'node:stream';
import type { Waf } from '../engine/waf.js';
import type { Transaction } from '../engine/transaction.js';
import { appendHeaderPairs, auditRecord, blockedBody, hasRequestBody, readBody, requestHead, sendBlocked, sendBlockedOnSocket, transactionFor, type AuditRecord } from './inspect.js';
import { guardResponse } from './response-guard.js';

export interface MiddlewareOptions {
  audit?: (record: AuditRecord) => void;
}

/** Runs phases 1 and 2; the body, when inspected, is returned for replay. */
async function inspectRequest(waf: Waf, req: IncomingMessage): Promise<{ tx: Transaction; body?: Buffer }> {
  const tx = transactionFor(waf, req);
  if (tx.processRequestHeaders(requestHead(req))) return { tx };
  const settings = waf.rules.settings;
  if (!settings.requestBodyAccess || settings.mode === 'Off' || !hasRequestBody(req)) {
    // Nothing to inspect: the app reads the untouched stream.
    tx.processRequestBody();
    return { tx };
  }
  const body = await readBody(req);
  tx.processRequestBody(body);
  return { tx, body };
}

/** A genuine IncomingMessage carrying the original head and the already-read body. */
function replayRequest(req: IncomingMessage, body: Buffer): IncomingMessage {
  const replay = new IncomingMessage(req.socket);
  replay.method = req.method;
  replay.url = req.url;
  replay.httpVersion = req.httpVersion;
  replay.httpVersionMajor = req.httpVersionMajor;
  replay.httpVersionMinor = req.httpVersionMinor;
  replay.headers = req.headers;
  replay.rawHeaders = req.rawHeaders;
  replay.complete = true;
  if (body.length) replay.push(body);
  replay.push(null);
  return replay;
}

function audit(options: MiddlewareOptions, tx: Transaction, req: IncomingMessage, status: number): void {
  tx.processLogging();
  if (options.audit && (tx.interruption || tx.matched.some((m) => m.log))) options.audit(auditRecord(tx, requestHead(req), req.socket.remoteAddress ?? '', status));
}

/** Wraps a request listener: `http.createServer(wafRequestListener(waf, app))`. */
export function wafRequestListener(waf: Waf, listener: (req: IncomingMessage, res: ServerResponse) => void, options: MiddlewareOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    inspectRequest(waf, req).then(
      ({ tx, body }) => {
        if (tx.interruption) {
          sendBlocked(res, tx.interruption, tx.id);
          audit(options, tx, req, tx.interruption.status);
          return;
        }
        res.on('finish', () => audit(options, tx, req, res.statusCode));
        guardResponse(tx, res, waf.rules.settings.responseBodyLimit);
        listener(body ? replayRequest(req, body) : req, res);
      },
      () => {
        res.writeHead(400, { 'content-type': 'text/plain', connection: 'close' });
        res.end('request could not be read\n');
      },
    );
  };
}

/**
 * Inspects WebSocket (and other upgrade) handshakes, which never reach request middleware: an
 * app's `server.on('upgrade', wafUpgradeListener(waf, handler))`. The handshake runs phases 1–2;
 * a block answers on the socket with the rule's status and the request id, else the app's
 * handler takes the socket as usual (frames are not inspected).
 */
export function wafUpgradeListener(waf: Waf, listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void, options: MiddlewareOptions = {}): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    const tx = transactionFor(waf, req);
    const interruption = tx.processRequestHeaders(requestHead(req)) ?? tx.processRequestBody();
    if (interruption) {
      sendBlockedOnSocket(socket, interruption, tx.id);
      audit(options, tx, req, interruption.status);
      return;
    }
    audit(options, tx, req, 101);
    listener(req, socket, head);
  };
}

/**
 * Express/Connect middleware. Put it first: it reads the body, then gives the request stream
 * back to later middleware (body parsers read it as if untouched).
 */
export function wafExpress(waf: Waf, options: MiddlewareOptions = {}): (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void {
  return (req, res, next) => {
    inspectRequest(waf, req).then(({ tx, body }) => {
      if (tx.interruption) {
        sendBlocked(res, tx.interruption, tx.id);
        audit(options, tx, req, tx.interruption.status);
        return;
      }
      if (body) {
        // Later middleware reads `req` itself: let it read a fresh stream of the same bytes.
        const replay = Readable.from(body.length ? [body] : []);
        const target = req as unknown as Record<string | symbol, unknown>;
        for (const method of ['on', 'once', 'addListener', 'prependListener', 'removeListener', 'off', 'removeAllListeners', 'pipe', 'unpipe', 'pause', 'resume', 'read', 'setEncoding', 'isPaused', 'listenerCount', 'listeners', 'emit'] as const) {
          const fn = (replay as unknown as Record<string, (...args: unknown[]) => unknown>)[method];
          if (fn) target[method] = fn.bind(replay);
        }
        target[Symbol.asyncIterator] = () => replay[Symbol.asyncIterator]();
        for (const prop of ['readable', 'readableEnded', 'readableFlowing', 'readableLength']) Object.defineProperty(req, prop, { configurable: true, get: () => (replay as unknown as Record<string, unknown>)[prop] });
      }
      res.on('finish', () => audit(options, tx, req, res.statusCode));
      guardResponse(tx, res, waf.rules.settings.responseBodyLimit);
      next();
    }, next);
  };
}

/** The parts of Fastify's instance this plugin uses (no dependency on Fastify's types). */
export interface FastifyLike {
  addHook(name: 'onRequest', hook: (request: { raw: IncomingMessage }, reply: { raw: ServerResponse; hijack(): void }, done: (err?: Error) => void) => void): unknown;
  addHook(name: 'preParsing', hook: (request: { raw: IncomingMessage }, reply: { raw: ServerResponse; hijack(): void }, payload: NodeJS.ReadableStream) => Promise<NodeJS.ReadableStream | undefined>): unknown;
  addHook(name: 'onSend', hook: (request: { raw: IncomingMessage }, reply: FastifyReplyLike, payload: unknown) => Promise<unknown>): unknown;
  addHook(name: 'onResponse', hook: (request: { raw: IncomingMessage }, reply: { raw: ServerResponse }, done: (err?: Error) => void) => void): unknown;
}

/** The parts of Fastify's reply the onSend hook uses. */
export interface FastifyReplyLike {
  raw: ServerResponse;
  statusCode: number;
  getHeaders(): Record<string, unknown>;
  removeHeader(name: string): unknown;
  header(name: string, value: string): unknown;
  code(status: number): unknown;
}

const TX = Symbol('bulwark.transaction');
const AUDITED = Symbol('bulwark.audited');
type WithTx = IncomingMessage & { [TX]?: Transaction; [AUDITED]?: boolean };

/** Phases 3 and 4 on a Fastify reply about to be sent; a block swaps status, headers and payload. */
function inspectFastifyReply(tx: Transaction, req: IncomingMessage, reply: FastifyReplyLike, payload: unknown): unknown {
  const headers = appendHeaderPairs([], reply.getHeaders());
  const inspectable = typeof payload === 'string' || Buffer.isBuffer(payload);
  const stop = tx.processResponseHeaders(reply.statusCode, `HTTP/${req.httpVersion}`, headers) ?? (tx.wantsResponseBody() && inspectable ? tx.processResponseBody(Buffer.from(payload)) : tx.processResponseBody());
  if (!stop) return payload;
  if (stop.action === 'drop') {
    reply.raw.socket?.destroy();
    return '';
  }
  for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
  reply.code(stop.status);
  reply.header('x-request-id', tx.id);
  if (stop.action === 'redirect' && stop.redirect) {
    reply.header('location', stop.redirect);
    return '';
  }
  reply.header('content-type', 'text/plain; charset=utf-8');
  return blockedBody(tx.id);
}

/** Fastify plugin: `fastify.register(wafFastify(waf))` (wrap with fastify-plugin semantics by registering at the root). */
export function wafFastify(waf: Waf, options: MiddlewareOptions = {}): (fastify: FastifyLike, _opts: unknown, done: (err?: Error) => void) => void {
  const plugin = (fastify: FastifyLike, _opts: unknown, done: (err?: Error) => void): void => {
    fastify.addHook('onRequest', (request, reply, next) => {
      const req = request.raw as WithTx;
      const tx = transactionFor(waf, req);
      req[TX] = tx;
      const interruption = tx.processRequestHeaders(requestHead(req));
      // Without a body, phase 2 runs now (preParsing only runs for requests with one).
      const stop = interruption ?? (!hasRequestBody(req) || !waf.rules.settings.requestBodyAccess ? tx.processRequestBody() : undefined);
      if (stop) {
        reply.hijack();
        sendBlocked(reply.raw, stop, tx.id);
        req[AUDITED] = true;
        audit(options, tx, req, stop.status);
        return;
      }
      next();
    });
    fastify.addHook('preParsing', async (request, reply, payload) => {
      const req = request.raw as WithTx;
      const tx = req[TX];
      if (!tx || !waf.rules.settings.requestBodyAccess) return payload;
      const body = await readBody(payload);
      const stop = tx.processRequestBody(body);
      if (stop) {
        reply.hijack();
        sendBlocked(reply.raw, stop, tx.id);
        req[AUDITED] = true;
        audit(options, tx, req, stop.status);
        return new Readable({ read() {} });
      }
      const replay = Readable.from(body.length ? [body] : []) as Readable & { receivedEncodedLength?: number };
      replay.receivedEncodedLength = body.length;
      return replay;
    });
    fastify.addHook('onSend', async (request, reply, payload) => {
      const req = request.raw as WithTx;
      const tx = req[TX];
      return tx && !tx.interruption ? inspectFastifyReply(tx, req, reply, payload) : payload;
    });
    fastify.addHook('onResponse', (request, reply, next) => {
      const req = request.raw as WithTx;
      const tx = req[TX];
      if (tx && !req[AUDITED]) audit(options, tx, req, reply.raw.statusCode);
      next();
    });
    done();
  };
  // Fastify's encapsulation: mark it so the hooks apply to the whole app (what fastify-plugin does).
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
