/**
 * Requests that take over the connection. A WebSocket handshake runs phases 1–2 like any
 * request and gets the block page when a rule interrupts; otherwise it goes to the upstream on a
 * connection of its own, the upstream's 101 runs phase 3 and the two sockets are joined (frames
 * are not inspected; ModSecurity and Coraza do not inspect them either). Any other upgrade (h2c:
 * the smuggling route past a proxy) is replayed to the server as a plain request. CONNECT: a
 * reverse proxy tunnels nothing, so it is inspected, logged, and answered 405.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Interruption } from '../engine/transaction.js';
import type { Waf } from '../engine/waf.js';
import { forwardHeaders, proxyRequestHeaders } from './forward-headers.js';
import type { Upstream } from './upstream.js';
import { failWhenSilent, headerPairs, rawResponse, readBody, sendBlockedOnSocket, startExchange, textAnswer, upstreamFailureAnswer, type ExchangeDone } from './inspect.js';

/** The one upgrade that is tunnelled. */
const WEBSOCKET = /^\s*websocket\s*$/i;

export interface UpgradeHandler {
  /** The server's `'upgrade'` listener. */
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** The server's `'connect'` listener. */
  refuseTunnel(req: IncomingMessage, socket: Duplex): void;
  /** Ends every joined connection (on shutdown). */
  closeAll(): void;
}

/** Whether an upgrade request asks for WebSocket, the one upgrade that is tunnelled. */
export const isWebSocketUpgrade = (req: IncomingMessage): boolean => WEBSOCKET.test(req.headers.upgrade ?? '');

const UPGRADE_TOKENS = new Set(['upgrade', 'http2-settings']);

/**
 * Gives any other upgrade request (h2c above all: a tunnel the upstream speaks HTTP/2 through
 * would carry requests no rule sees) back to the server as the plain request it also is: its
 * head is rewritten without the upgrade headers and parsed again with the bytes that followed,
 * so it is inspected (body included) and proxied like any request, on the same connection.
 */
export function replayAsPlainRequest(server: Server, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}`];
  for (const [name, value] of headerPairs(req.rawHeaders)) {
    const lower = name.toLowerCase();
    if (lower === 'upgrade' || lower === 'http2-settings') continue;
    if (lower === 'connection') {
      const kept = value.split(',').map((t) => t.trim()).filter((t) => t && !UPGRADE_TOKENS.has(t.toLowerCase()));
      if (kept.length) lines.push(`${name}: ${kept.join(', ')}`);
      continue;
    }
    lines.push(`${name}: ${value}`);
  }
  socket.unshift(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), head]));
  server.emit('connection', socket);
}

export function createUpgradeHandler(waf: Waf, upstream: Upstream, done: ExchangeDone, upstreamError: (error: unknown) => void, upstreamTimeoutMs: number): UpgradeHandler {
  const joined = new Set<Duplex>();

  const handle = (req: IncomingMessage, socket: Duplex, clientHead: Buffer): void => {
    const exchange = startExchange(waf, req, done);
    const { tx, head, timed, finish } = exchange;
    const block = (interruption: Interruption): void => {
      sendBlockedOnSocket(socket, interruption, tx.id);
      finish(interruption.status);
    };
    socket.on('error', () => socket.destroy());

    const requestVerdict = timed(() => tx.processRequestHeaders(head) ?? tx.processRequestBody());
    if (requestVerdict) return block(requestVerdict);

    const upstreamReq = upstream.request({ method: req.method, path: req.url, headers: forwardHeaders(req.rawHeaders, proxyRequestHeaders(req, tx.id), true).flat() }, false);
    const timedOut = failWhenSilent(upstreamReq, upstreamTimeoutMs);
    upstreamReq.on('error', (error) => {
      if (exchange.finished) return;
      upstreamError(error);
      const answer = upstreamFailureAnswer(timedOut(), tx.id, true);
      if (!socket.destroyed) socket.end(rawResponse(answer.status, answer.headers, answer.body));
      finish(answer.status);
    });
    upstreamReq.on('upgrade', (res: IncomingMessage, upstreamSocket: Socket, upstreamHead: Buffer) => {
      const headers = headerPairs(res.rawHeaders);
      const responseVerdict = timed(() => tx.processResponseHeaders(101, `HTTP/${res.httpVersion}`, headers) ?? tx.processResponseBody());
      if (responseVerdict) {
        upstreamSocket.destroy();
        return block(responseVerdict);
      }
      if (socket.destroyed) {
        upstreamSocket.destroy();
        return finish(101);
      }
      upstreamSocket.setTimeout(0); // a WebSocket may stay quiet for as long as its peers like
      socket.write(rawResponse(101, forwardHeaders(res.rawHeaders, { 'x-request-id': tx.id }, true)));
      if (upstreamHead.length) socket.write(upstreamHead);
      if (clientHead.length) upstreamSocket.write(clientHead);
      joined.add(socket);
      const closeBoth = (): void => {
        joined.delete(socket);
        socket.destroy();
        upstreamSocket.destroy();
      };
      for (const end of [socket, upstreamSocket]) end.on('close', closeBoth).on('error', closeBoth);
      upstreamSocket.pipe(socket);
      socket.pipe(upstreamSocket);
      finish(101);
    });
    upstreamReq.on('response', (res: IncomingMessage) => {
      // The upstream declined the upgrade: its answer is an ordinary response, inspected as one.
      void (async () => {
        const status = res.statusCode ?? 502;
        const headerVerdict = timed(() => tx.processResponseHeaders(status, `HTTP/${res.httpVersion}`, headerPairs(res.rawHeaders)));
        if (headerVerdict) {
          res.resume();
          return block(headerVerdict);
        }
        const headers = forwardHeaders(res.rawHeaders, { 'x-request-id': tx.id });
        if (tx.wantsResponseBody()) {
          const body = await readBody(res);
          const bodyVerdict = timed(() => tx.processResponseBody(body));
          if (bodyVerdict) return block(bodyVerdict);
          socket.end(rawResponse(status, [...headers, ['content-length', String(body.length)], ['connection', 'close']], body));
        } else {
          const bodyVerdict = timed(() => tx.processResponseBody());
          if (bodyVerdict) {
            res.resume();
            return block(bodyVerdict);
          }
          // Streamed: the upstream's length when it gave one, else the end of the connection ends the body.
          const length = res.headers['content-length'];
          socket.write(rawResponse(status, [...headers, ...(length !== undefined ? [['content-length', length] as [string, string]] : []), ['connection', 'close']]));
          res.pipe(socket);
          await new Promise<void>((resolve) => res.on('end', resolve).on('error', resolve));
        }
        finish(status);
      })().catch(() => {
        socket.destroy();
        finish(502);
      });
    });
    upstreamReq.end();
  };

  /** CONNECT: inspected and audited like any request, then refused (or blocked by a rule). */
  const refuseTunnel = (req: IncomingMessage, socket: Duplex): void => {
    const { tx, head, timed, finish } = startExchange(waf, req, done);
    socket.on('error', () => socket.destroy());
    const verdict = timed(() => tx.processRequestHeaders(head) ?? tx.processRequestBody());
    if (verdict) sendBlockedOnSocket(socket, verdict, tx.id);
    else {
      const answer = textAnswer(405, 'This proxy does not tunnel CONNECT requests.', tx.id, true, [['allow', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS']]);
      socket.end(rawResponse(answer.status, answer.headers, answer.body));
    }
    finish(verdict ? verdict.status : 405);
  };

  return {
    handle,
    refuseTunnel,
    closeAll: () => {
      for (const socket of joined) socket.destroy();
      joined.clear();
    },
  };
}
