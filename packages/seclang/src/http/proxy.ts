/**
 * `bulwark waf` as a reverse proxy: every request runs through a Transaction before it reaches
 * the upstream (request body buffered up to SecRequestBodyLimit when body access is on, else
 * streamed), responses are checked in phases 3–4 (bodies buffered only when a listed MIME
 * type is inspected, else streamed), blocks answer with the status and a request id,
 * upstream connections are pooled with keep-alive, WebSocket handshakes are inspected and then
 * tunnelled, other upgrades (h2c) proxied as plain requests and CONNECT inspected and refused
 * (`upgrade.ts`), requests the HTTP parser refuses are answered with a request id and audited
 * (`client-error.ts`), each flagged exchange is one JSON audit line, and Prometheus metrics are
 * served on their own listener.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Waf } from '../engine/waf.js';
import { auditRecord, failWhenSilent, hasRequestBody, headerPairs, readBody, sendBlocked, startExchange, upstreamFailureAnswer, type AuditRecord, type ExchangeDone } from './inspect.js';
import { forwardHeaders, proxyRequestHeaders } from './forward-headers.js';
import { WafMetrics } from './metrics.js';
import { createUpgradeHandler, isWebSocketUpgrade, replayAsPlainRequest } from './upgrade.js';
import { createClientErrorHandler } from './client-error.js';
import { connectUpstream, type UpstreamTls } from './upstream.js';

export interface ProxyOptions {
  /** The app: http:// or https:// (its certificate checked against the system's CAs or `upstreamTls.ca`). */
  upstream: URL;
  upstreamTls?: UpstreamTls;
  /** Called with each audit record of a transaction that logged a rule (or every one with `auditAll`). */
  audit?: (record: AuditRecord) => void;
  auditAll?: boolean;
  metrics?: WafMetrics;
  /** Upstream keep-alive pool size. */
  maxSockets?: number;
  /** Told why an upstream request failed (refused, TLS, reset, timeout): the 502/504 a client gets does not say. */
  onUpstreamError?: (error: Error) => void;
  /** How long the upstream may stay silent before the request fails with 504 (default 60 s). */
  upstreamTimeoutMs?: number;
}

const UPSTREAM_TIMEOUT_MS = 60_000;

export interface WafProxy {
  server: Server;
  metrics: WafMetrics;
  close(): Promise<void>;
}

export function createWafProxy(waf: Waf, options: ProxyOptions): WafProxy {
  const upstream = connectUpstream(options.upstream, options.maxSockets ?? 256, options.upstreamTls);
  const metrics = options.metrics ?? new WafMetrics();
  metrics.observeGc();
  const settings = waf.rules.settings;
  /** Metrics and the audit line of a finished exchange. */
  const record: ExchangeDone = (tx, head, client, status, engineSeconds) => {
    const logged = tx.matched.filter((m) => m.log).map((m) => m.id);
    metrics.rules(logged);
    metrics.request(tx.interruption ? 'blocked' : logged.length ? 'detected' : 'passed');
    metrics.inspection(engineSeconds);
    if (options.audit && (options.auditAll || logged.length > 0 || tx.interruption)) options.audit(auditRecord(tx, head, client, status));
  };
  const upstreamError = (error: unknown): void => {
    metrics.upstreamError();
    if (error instanceof Error) options.onUpstreamError?.(error);
  };
  const upgrades = createUpgradeHandler(waf, upstream, record, upstreamError, options.upstreamTimeoutMs ?? UPSTREAM_TIMEOUT_MS);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const exchange = startExchange(waf, req, record);
    const { tx, head, timed, finish } = exchange;
    const block = (): void => {
      const interruption = tx.interruption;
      if (!interruption) return;
      req.resume();
      sendBlocked(res, interruption, tx.id);
      finish(interruption.status);
    };

    if (timed(() => tx.processRequestHeaders(head))) return block();
    let body: Buffer | undefined;
    if (settings.requestBodyAccess && settings.mode !== 'Off' && hasRequestBody(req)) {
      body = await readBody(req);
      if (timed(() => tx.processRequestBody(body))) return block();
    } else if (timed(() => tx.processRequestBody())) return block();

    const headers = forwardHeaders(req.rawHeaders, proxyRequestHeaders(req, tx.id));
    if (body) headers.push(['content-length', String(body.length)]);
    else if (req.headers['content-length']) headers.push(['content-length', req.headers['content-length']]);
    else if (req.headers['transfer-encoding']) headers.push(['transfer-encoding', 'chunked']);
    const upstreamReq = upstream.request({ method: req.method, path: req.url, headers: headers.flat() }, true);
    const timedOut = failWhenSilent(upstreamReq, options.upstreamTimeoutMs ?? UPSTREAM_TIMEOUT_MS);
    /** The upstream failed (refused, reset, cut off mid-body, or silent past the timeout): 502 / 504, or a cut connection once the answer has started. */
    const upstreamFailed = (error: unknown): void => {
      if (exchange.finished) return; // a failure can be reported by the request and by the response
      upstreamError(error);
      const answer = upstreamFailureAnswer(timedOut(), tx.id, false);
      if (!res.headersSent) {
        res.writeHead(answer.status, answer.headers.flat());
        res.end(answer.body);
      } else res.destroy();
      finish(answer.status);
    };
    upstreamReq.on('error', upstreamFailed);
    upstreamReq.on('response', (upstreamRes) => {
      (async () => {
        const status = upstreamRes.statusCode ?? 502;
        const responseHeaders = headerPairs(upstreamRes.rawHeaders);
        if (timed(() => tx.processResponseHeaders(status, `HTTP/${upstreamRes.httpVersion}`, responseHeaders))) {
          upstreamRes.resume();
          return block();
        }
        // The request id goes back on every response, so a client (or `waf test --url`) can find the audit line.
        const outHeaders = forwardHeaders(upstreamRes.rawHeaders, { 'x-request-id': tx.id });
        if (tx.wantsResponseBody()) {
          const responseBody = await readBody(upstreamRes);
          if (timed(() => tx.processResponseBody(responseBody))) return block();
          res.writeHead(status, [...outHeaders, ['content-length', String(responseBody.length)]].flat());
          res.end(responseBody);
        } else {
          timed(() => tx.processResponseBody());
          if (tx.interruption) {
            upstreamRes.resume();
            return block();
          }
          const length = upstreamRes.headers['content-length'];
          res.writeHead(status, (length !== undefined ? [...outHeaders, ['content-length', length]] : outHeaders).flat());
          upstreamRes.pipe(res);
          await new Promise<void>((resolve, reject) => upstreamRes.on('end', resolve).on('error', reject));
        }
        finish(status);
      })().catch(upstreamFailed);
    });
    if (body) upstreamReq.end(body);
    else if (hasRequestBody(req)) req.pipe(upstreamReq);
    else {
      // Nothing to stream (no Content-Length or Transfer-Encoding means no body): a pipe
      // would set up its listeners on every GET for nothing.
      req.resume();
      upstreamReq.end();
    }
  };

  const server = createServer({ keepAlive: true }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain', connection: 'close' });
        res.end('WAF internal error\n');
      } else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => (isWebSocketUpgrade(req) ? upgrades.handle(req, socket, head) : replayAsPlainRequest(server, req, socket, head)));
  server.on('connect', upgrades.refuseTunnel);
  server.on('clientError', createClientErrorHandler(waf, metrics, options.audit));
  return {
    server,
    metrics,
    close: () =>
      new Promise<void>((resolve) => {
        upstream.close();
        metrics.stopObservingGc();
        upgrades.closeAll();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A listener that serves only `GET /metrics`: a proxy's own metrics, or any text in that format (the CLI's primary merges its workers'). */
export function createMetricsServer(metrics: Pick<WafMetrics, 'render'>): Server {
  return createServer((req, res) => {
    if (req.url === '/metrics') {
      const body = metrics.render();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    }
  });
}
