/**
 * The engine on real sockets (loopback): the reverse proxy in front of a real upstream, and the
 * node http / Express / Fastify integrations — bodies arrive intact, attacks get 403 with a
 * request id, detection-only passes, response phases block leaks, audit and metrics record it.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Waf, createMetricsServer, createWafProxy, wafExpress, wafFastify, wafRequestListener, type AuditRecord } from '../src/index.js';
import { listen } from './support/loopback.js';

const RULES = `SecRuleEngine On
SecRequestBodyAccess On
SecResponseBodyAccess On
SecResponseBodyMimeType text/plain
SecRule REQUEST_HEADERS:Content-Type "@rx ^application/json" "id:200001,phase:1,pass,nolog,t:lowercase,ctl:requestBodyProcessor=JSON"
SecRule ARGS "@contains attack" "id:1001,phase:2,deny,status:403,log,msg:'attack in %{MATCHED_VAR_NAME}'"
SecRule RESPONSE_BODY "@contains SECRET-LEAK" "id:1002,phase:4,deny,status:403,log,msg:'leak'"
SecRule RESPONSE_HEADERS:X-Powered-By "@contains LeakyServer" "id:1003,phase:3,deny,status:403,log,msg:'leaky server header'"`;

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

function send(port: number, path: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer | string; agent?: boolean } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

/** Upstream: echoes method, path and a SHA-free byte count + the body; /leak returns a secret. */
function upstreamServer(sockets: Set<unknown>): Server {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.url === '/headers') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'set-by-the-app' });
        res.end(JSON.stringify(req.rawHeaders));
        return;
      }
      if (req.url === '/leak') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('here is SECRET-LEAK\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-upstream-rid': String(req.headers['x-request-id'] ?? '') });
      res.end(body.length ? body : Buffer.from(`${req.method} ${req.url}`));
    });
  });
  server.on('connection', (s) => sockets.add(s));
  return server;
}

describe('reverse proxy', () => {
  const sockets = new Set<unknown>();
  const upstream = upstreamServer(sockets);
  const audit: AuditRecord[] = [];
  let proxyPort = 0;
  let metricsPort = 0;
  let proxy: ReturnType<typeof createWafProxy>;
  let metricsServer: Server;

  beforeAll(async () => {
    const upstreamPort = await listen(upstream);
    proxy = createWafProxy(Waf.fromText(RULES), { upstream: new URL(`http://127.0.0.1:${upstreamPort}`), audit: (r) => audit.push(r) });
    proxyPort = await listen(proxy.server);
    metricsServer = createMetricsServer(proxy.metrics);
    metricsPort = await listen(metricsServer);
  });
  afterAll(async () => {
    await proxy.close();
    await close(upstream);
    await close(metricsServer);
  });

  it('passes clean requests with their bodies byte for byte, reusing upstream connections', async () => {
    const binary = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) & 0xff));
    const r = await send(proxyPort, '/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: binary });
    expect(r.status).toBe(200);
    expect(r.body.equals(binary)).toBe(true);
    expect(r.headers['x-upstream-rid']).toMatch(/\S/);
    for (let i = 0; i < 10; i++) expect((await send(proxyPort, `/page/${i}`)).body.toString()).toBe(`GET /page/${i}`);
    expect(sockets.size).toBeLessThan(5);
  });

  it('with request body access off, streams bodies (chunked and sized) through and ends bodyless requests', async () => {
    const upstreamPort = (upstream.address() as AddressInfo).port;
    const streaming = createWafProxy(Waf.fromText('SecRuleEngine On\nSecRequestBodyAccess Off\nSecRule ARGS "@contains attack" "id:1,phase:2,deny"'), { upstream: new URL(`http://127.0.0.1:${upstreamPort}`) });
    const port = await listen(streaming.server);
    try {
      const binary = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 13) & 0xff));
      const sized = await send(port, '/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'content-length': String(binary.length) }, body: binary });
      expect(sized.body.equals(binary)).toBe(true);
      const chunked = await new Promise<Buffer>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/upload', method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)));
        });
        req.on('error', reject);
        req.write(binary.subarray(0, 40_000));
        setTimeout(() => req.end(binary.subarray(40_000)), 20);
      });
      expect(chunked.equals(binary)).toBe(true);
      for (const method of ['GET', 'DELETE']) expect((await send(port, '/item/7', { method })).body.toString()).toBe(`${method} /item/7`);
    } finally {
      await streaming.close();
    }
  });

  it('passes forwarding headers on as nginx does and drops hop-by-hop ones', async () => {
    const r = await send(proxyPort, '/headers', { headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https', 'x-request-id': 'spoofed', connection: 'keep-alive, x-hop-secret', 'x-hop-secret': 'not for the app', 'x-kept': 'yes' } });
    const raw = JSON.parse(r.body.toString()) as string[];
    const received = (name: string): string[] => raw.filter((_, i) => i % 2 === 1 && raw[i - 1]?.toLowerCase() === name);
    expect(received('x-forwarded-for')).toEqual(['203.0.113.7, 127.0.0.1']);
    expect(received('x-forwarded-proto')).toEqual(['https']);
    expect(received('x-request-id')).toEqual([String(r.headers['x-request-id'])]);
    expect(received('x-request-id')).not.toEqual(['spoofed']);
    expect(received('x-hop-secret')).toEqual([]);
    expect(received('x-kept')).toEqual(['yes']);
    // The response carries the WAF's id once (the app's own is replaced: the WAF's finds the audit line).
    expect(r.headers['x-request-id']).toMatch(/^[0-9a-z]+-/);
    const plain = JSON.parse((await send(proxyPort, '/headers')).body.toString()) as string[];
    expect(plain[plain.findIndex((h) => h.toLowerCase() === 'x-forwarded-for') + 1]).toBe('127.0.0.1');
    expect(plain[plain.findIndex((h) => h.toLowerCase() === 'x-forwarded-proto') + 1]).toBe('http');
  });

  it('blocks an attack with 403 and a request id the audit line carries', async () => {
    const r = await send(proxyPort, '/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ q: 'an attack' }) });
    expect(r.status).toBe(403);
    const id = r.headers['x-request-id'];
    expect(r.body.toString()).toContain(`Request id: ${String(id)}`);
    expect(audit.find((a) => a.id === id)).toMatchObject({ blocked: true, status: 403, rules: [{ id: 1001, msg: 'attack in ARGS:json.q' }] });
    // A body on a GET is inspected too.
    const getBody = JSON.stringify({ q: 'an attack' });
    expect((await send(proxyPort, '/search', { method: 'GET', headers: { 'content-type': 'application/json', 'content-length': String(getBody.length) }, body: getBody })).status).toBe(403);
  });

  it('inspects response bodies and blocks a leak', async () => {
    const r = await send(proxyPort, '/leak');
    expect(r.status).toBe(403);
    expect(r.body.toString()).not.toContain('SECRET-LEAK');
  });

  it('exposes Prometheus metrics', async () => {
    const text = (await send(metricsPort, '/metrics')).body.toString();
    expect(text).toMatch(/bulwark_waf_requests_total\{outcome="blocked"\} 3/);
    expect(text).toMatch(/bulwark_waf_rule_matches_total\{rule_id="1001"\} 2/);
    expect(text).toMatch(/bulwark_waf_inspection_seconds_count \d+/);
    // Garbage enough for young collections; their pauses are reported once observed (asynchronously).
    let kept = 0;
    for (let i = 0; i < 2_000_000; i++) kept += { i, s: `v${i}` }.s.length;
    expect(kept).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 50));
    const after = (await send(metricsPort, '/metrics')).body.toString();
    expect(Number(/bulwark_waf_gc_pause_seconds_count\{kind="minor"\} (\d+)/.exec(after)?.[1])).toBeGreaterThan(0);
    expect(after).toMatch(/bulwark_waf_gc_pause_seconds_bucket\{kind="minor",le="\+Inf"\} \d+/);
  });

  it('answers 502 with a request id when the upstream is down', async () => {
    const dead = createWafProxy(Waf.fromText(RULES), { upstream: new URL('http://127.0.0.1:1') });
    const port = await listen(dead.server);
    const r = await send(port, '/');
    expect(r.status).toBe(502);
    expect(r.headers['x-request-id']).toBeTruthy();
    await dead.close();
  });

  it('detection only: logs the attack and lets it through', async () => {
    const records: AuditRecord[] = [];
    const ups = upstreamServer(new Set());
    const upsPort = await listen(ups);
    const detect = createWafProxy(Waf.fromText(`${RULES}\nSecRuleEngine DetectionOnly`), { upstream: new URL(`http://127.0.0.1:${upsPort}`), audit: (r) => records.push(r) });
    const port = await listen(detect.server);
    const r = await send(port, '/?q=attack');
    expect(r.status).toBe(200);
    expect(records[0]).toMatchObject({ blocked: false, mode: 'DetectionOnly', wouldInterrupt: { status: 403 }, rules: [{ id: 1001 }] });
    await detect.close();
    await close(ups);
  });
});

describe('middleware', () => {
  const waf = Waf.fromText(RULES);

  it('node http: wraps a request listener; the app reads the body it would have read', async () => {
    const server = createServer(
      wafRequestListener(waf, (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => res.end(`app got ${Buffer.concat(chunks).toString()}`));
      }),
    );
    const port = await listen(server);
    expect((await send(port, '/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"fine"}' })).body.toString()).toBe('app got {"a":"fine"}');
    expect((await send(port, '/?x=attack')).status).toBe(403);
    // A GET with a body is inspected like any other; without one the app gets the request as it came.
    expect((await send(port, '/', { headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '8' }, body: 'x=attack' })).status).toBe(403);
    expect((await send(port, '/plain')).body.toString()).toBe('app got ');
    await close(server);
  });

  it('node http: a request without a body reaches the app as the very IncomingMessage the server made', async () => {
    const seen: IncomingMessage[] = [];
    const server = createServer(
      wafRequestListener(waf, (req, res) => {
        seen.push(req);
        res.end('ok');
      }),
    );
    const originals: IncomingMessage[] = [];
    server.prependListener('request', (req: IncomingMessage) => originals.push(req));
    const port = await listen(server);
    expect((await send(port, '/page?q=fine')).status).toBe(200);
    expect(seen[0]).toBe(originals[0]);
    await close(server);
  });

  it('node http: response head and body are inspected before they leave (phases 3 and 4)', async () => {
    const audits: AuditRecord[] = [];
    const server = createServer(
      wafRequestListener(
        waf,
        (req, res) => {
          const url = new URL(req.url ?? '/', 'http://x');
          const type = url.searchParams.get('type') ?? 'text/plain';
          if (url.pathname === '/header') res.setHeader('X-Powered-By', 'LeakyServer 1.0');
          res.setHeader('content-type', type);
          // The body in three writes: the leak may sit in any of them.
          const text = url.searchParams.get('body') ?? 'all good';
          res.write(text.slice(0, 3));
          res.write(text.slice(3, 9));
          res.end(text.slice(9));
        },
        { audit: (r) => audits.push(r) },
      ),
    );
    const port = await listen(server);
    const fine = await send(port, '/?body=nothing%20to%20see%20here');
    expect([fine.status, fine.body.toString()]).toEqual([200, 'nothing to see here']);
    const leak = await send(port, '/?body=dump:%20SECRET-LEAK%20trace');
    expect(leak.status).toBe(403);
    expect(leak.body.toString()).toContain(`Request id: ${String(leak.headers['x-request-id'])}`);
    expect(leak.headers['content-type']).toBe('text/plain; charset=utf-8');
    // application/json is not a SecResponseBodyMimeType: its body is not inspected.
    expect((await send(port, '/?type=application/json&body=SECRET-LEAK')).status).toBe(200);
    const header = await send(port, '/header');
    expect(header.status).toBe(403);
    expect(header.headers['x-powered-by']).toBeUndefined();
    await close(server);
    expect(audits.map((a) => [a.status, a.rules.map((m) => m.id)])).toEqual([
      [403, [1002]],
      [403, [1003]],
    ]);
  });

  it('node http: a response body past SecResponseBodyLimit is inspected up to the limit, then streamed', async () => {
    const limited = Waf.fromText(`${RULES}\nSecResponseBodyLimit 64`);
    const filler = 'x'.repeat(40);
    const server = createServer(
      wafRequestListener(limited, (req, res) => {
        res.setHeader('content-type', 'text/plain');
        const early = req.url === '/early';
        for (let i = 0; i < 5; i++) res.write(`${early && i === 1 ? 'SECRET-LEAK' : ''}${filler}\n`);
        res.end(`${early ? '' : 'SECRET-LEAK'} end\n`);
      }),
    );
    const port = await listen(server);
    expect((await send(port, '/early')).status).toBe(403);
    const late = await send(port, '/late');
    expect(late.status).toBe(200);
    expect(late.body.toString()).toBe(`${`${filler}\n`.repeat(5)}SECRET-LEAK end\n`);
    await close(server);
  });

  it('Express: first middleware; express.json() after it still parses the body', async () => {
    const app = express();
    app.use(wafExpress(waf));
    app.use(express.json());
    app.post('/api', (req, res) => {
      res.json({ echoed: (req.body as { name?: string }).name });
    });
    const server = createServer(app);
    const port = await listen(server);
    const ok = await send(port, '/api', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Ada"}' });
    expect(JSON.parse(ok.body.toString())).toEqual({ echoed: 'Ada' });
    expect((await send(port, '/api', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"attack"}' })).status).toBe(403);
    // Response phases: a leak in a text/plain body is blocked, the same text as JSON passes.
    app.get('/leak', (_req, res) => {
      res.type('text/plain').send('stack: SECRET-LEAK');
    });
    app.get('/leak.json', (_req, res) => {
      res.json({ note: 'SECRET-LEAK' });
    });
    expect((await send(port, '/leak')).status).toBe(403);
    expect((await send(port, '/leak.json')).status).toBe(200);
    await close(server);
  });

  it('Fastify: plugin hooks inspect headers and body; the route gets the parsed body', async () => {
    const app = Fastify();
    await app.register(wafFastify(waf));
    app.post('/api', async (req) => ({ echoed: (req.body as { name?: string }).name }));
    app.get('/api', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    const ok = await send(port, '/api', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Ada"}' });
    expect(JSON.parse(ok.body.toString())).toEqual({ echoed: 'Ada' });
    expect((await send(port, '/api', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"attack"}' })).status).toBe(403);
    expect((await send(port, '/api?q=attack')).status).toBe(403);
    expect((await send(port, '/api')).status).toBe(200);
    await app.close();
  });

  it('Fastify: onSend inspects the reply head and body; a block swaps status, headers and payload', async () => {
    const audits: AuditRecord[] = [];
    const app = Fastify();
    await app.register(wafFastify(waf, { audit: (r) => audits.push(r) }));
    app.get('/leak', async (_req, reply) => reply.type('text/plain').send('stack: SECRET-LEAK'));
    app.get('/fine', async (_req, reply) => reply.type('text/plain').send('all good'));
    app.get('/header', async (_req, reply) => reply.header('X-Powered-By', 'LeakyServer').type('text/plain').send('hi'));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    const leak = await send(port, '/leak');
    expect(leak.status).toBe(403);
    expect(leak.body.toString()).toContain(`Request id: ${String(leak.headers['x-request-id'])}`);
    expect((await send(port, '/fine')).body.toString()).toBe('all good');
    const header = await send(port, '/header');
    expect(header.status).toBe(403);
    expect(header.headers['x-powered-by']).toBeUndefined();
    await app.close();
    expect(audits.map((a) => [a.status, a.rules.map((m) => m.id)])).toEqual([
      [403, [1002]],
      [403, [1003]],
    ]);
  });
});
