/**
 * The proxy in front of an HTTPS upstream on loopback (a self-signed certificate from
 * `fixtures/tls`): with the certificate as its CA the proxy forwards plain requests over pooled
 * TLS connections and WebSocket handshakes over one of their own; without it the certificate is
 * refused, the client gets 502 with a request id, and the proxy says why.
 */
import { readFileSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Waf, createWafProxy } from '../src/index.js';
import { listen } from './support/loopback.js';

const fixture = (name: string): string => readFileSync(new URL(`fixtures/tls/${name}`, import.meta.url), 'utf8');
const CERT = fixture('upstream.crt');
const RULES = 'SecRuleEngine On\nSecRule ARGS "@contains attack" "id:1001,phase:2,deny,status:403,log"';


function get(port: number, path: string): Promise<{ status: number; body: string; requestId: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, requestId: String(res.headers['x-request-id'] ?? '') }));
    })
      .on('error', reject)
      .end();
  });
}

describe('https upstream', () => {
  const tlsConnections = new Set<unknown>();
  const upstream = createHttpsServer({ cert: CERT, key: fixture('upstream.key') }, (req, res) => res.end(`tls ${req.method ?? ''} ${req.url ?? ''}`));
  upstream.on('secureConnection', (socket) => tlsConnections.add(socket));
  upstream.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    socket.pipe(socket);
  });
  let upstreamUrl: URL;
  beforeAll(async () => {
    upstreamUrl = new URL(`https://127.0.0.1:${await listen(upstream)}`);
  });
  afterAll(() => {
    upstream.closeAllConnections();
    upstream.close();
  });

  it('trusts the upstream through the given CA, pools its connections and still inspects', async () => {
    const proxy = createWafProxy(Waf.fromText(RULES), { upstream: upstreamUrl, upstreamTls: { ca: CERT } });
    const port = await listen(proxy.server);
    for (let i = 0; i < 5; i++) expect(await get(port, `/page/${i}`)).toMatchObject({ status: 200, body: `tls GET /page/${i}` });
    expect(tlsConnections.size).toBe(1);
    expect((await get(port, '/?q=attack')).status).toBe(403);
    await proxy.close();
  });

  it('tunnels a WebSocket handshake to the upstream over TLS', async () => {
    const proxy = createWafProxy(Waf.fromText(RULES), { upstream: upstreamUrl, upstreamTls: { ca: CERT } });
    const port = await listen(proxy.server);
    const echoed = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/ws', headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
      req.on('upgrade', (res: IncomingMessage, socket: Socket) => {
        expect(res.statusCode).toBe(101);
        socket.once('data', (d: Buffer) => {
          resolve(d.toString());
          socket.destroy();
        });
        socket.write('ping over tls');
      });
      req.on('response', (res: IncomingMessage) => reject(new Error(`no upgrade: ${String(res.statusCode)}`)));
      req.on('error', reject);
      req.end();
    });
    expect(echoed).toBe('ping over tls');
    await proxy.close();
  });

  it('refuses an upstream certificate it cannot trust: 502 with a request id, and the reason', async () => {
    const reasons: string[] = [];
    const proxy = createWafProxy(Waf.fromText(RULES), { upstream: upstreamUrl, onUpstreamError: (e) => reasons.push(e.message) });
    const port = await listen(proxy.server);
    const r = await get(port, '/');
    expect(r.status).toBe(502);
    expect(r.body).toContain(`Request id: ${r.requestId}`);
    expect(reasons.join('\n')).toMatch(/self[- ]signed certificate/i);
    await proxy.close();
  });
});
