/**
 * Upgrade handshakes (WebSocket) through the reverse proxy on loopback: a clean handshake is
 * joined to the upstream and bytes flow both ways, an attack in the handshake gets 403 before
 * the upstream sees it, the upstream's 101 runs phase 3, a declined upgrade comes back as an
 * ordinary response, closing either side closes the other, h2c is proxied as a plain request,
 * and CONNECT is inspected, audited and refused. Inside an app, `wafUpgradeListener` guards the
 * app's own handshakes.
 */
import { createHash } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Waf, createWafProxy, wafUpgradeListener, type AuditRecord } from '../src/index.js';
import { listen } from './support/loopback.js';

const RULES = `SecRuleEngine On
SecRequestBodyAccess On
SecRule ARGS "@contains attack" "id:1001,phase:2,deny,status:403,log,msg:'attack in %{MATCHED_VAR_NAME}'"
SecRule RESPONSE_HEADERS:X-Powered-By "@contains LeakyServer" "id:1003,phase:3,deny,status:403,log,msg:'leaky server header'"
SecRule REQUEST_LINE "@contains evil.example" "id:1004,phase:1,deny,status:403,log,msg:'tunnel to a known-bad host'"`;

const BIG = Buffer.alloc(3 * 1024 * 1024, 'b');
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const acceptFor = (key: string): string => createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');

/** Upstream: `/echo` accepts the upgrade and echoes bytes; `/leaky` accepts with a leaky header; anything else declines with 426. */
function upstreamServer(seen: string[], openSockets: Set<Duplex>): Server {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => res.end(`plain ${req.url ?? ''} upgrade=${String(req.headers.upgrade ?? '-')} body=${body}`));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    seen.push(`${req.url ?? ''} rid=${String(req.headers['x-request-id'] ?? '')} upgrade=${String(req.headers.upgrade ?? '')}`);
    const key = String(req.headers['sec-websocket-key'] ?? '');
    if (req.url === '/echo' || req.url === '/leaky') {
      openSockets.add(socket);
      socket.on('close', () => openSockets.delete(socket));
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}\r\n${req.url === '/leaky' ? 'X-Powered-By: LeakyServer\r\n' : ''}\r\n`);
      socket.pipe(socket);
      return;
    }
    if (req.url === '/big') {
      socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 426 Upgrade Required\r\nContent-Type: application/octet-stream\r\nContent-Length: ${BIG.length}\r\n\r\n`), BIG]));
      return;
    }
    socket.end('HTTP/1.1 426 Upgrade Required\r\nContent-Type: text/plain\r\nContent-Length: 17\r\nConnection: close\r\n\r\nupgrade declined\n');
  });
  return server;
}


type Handshake = { kind: 'upgraded'; res: IncomingMessage; socket: Socket } | { kind: 'response'; res: IncomingMessage; body: string };

function handshake(port: number, path: string, key: string, upgrade = 'websocket', body?: string): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = upgrade === 'h2c' ? { Connection: 'Upgrade, HTTP2-Settings', Upgrade: 'h2c', 'HTTP2-Settings': 'AAMAAABkAAQCAAAAAAIAAAAA' } : { Connection: 'Upgrade', Upgrade: upgrade, 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': key };
    if (body !== undefined) Object.assign(headers, { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(Buffer.byteLength(body)) });
    const req = request({ host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', headers });
    req.on('upgrade', (res: IncomingMessage, socket: Socket) => resolve({ kind: 'upgraded', res, socket }));
    req.on('response', (res: IncomingMessage) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ kind: 'response', res, body }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const nextData = (socket: Socket): Promise<string> => new Promise((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString())));

describe('upgrade handshakes through the proxy', () => {
  const seen: string[] = [];
  const upstreamSockets = new Set<Duplex>();
  const upstream = upstreamServer(seen, upstreamSockets);
  const audit: AuditRecord[] = [];
  let proxy: ReturnType<typeof createWafProxy>;
  let port = 0;
  const key = Buffer.from('sixteen byte key').toString('base64');

  beforeAll(async () => {
    const upstreamPort = await listen(upstream);
    proxy = createWafProxy(Waf.fromText(RULES), { upstream: new URL(`http://127.0.0.1:${upstreamPort}`), audit: (r) => audit.push(r), auditAll: true });
    port = await listen(proxy.server);
  });
  afterAll(async () => {
    await proxy.close();
    upstream.closeAllConnections();
    await new Promise<void>((r) => upstream.close(() => r()));
  });

  it('joins a clean handshake to the upstream; bytes flow both ways; closing one side closes the other', async () => {
    const result = await handshake(port, '/echo', key);
    expect(result.kind).toBe('upgraded');
    if (result.kind !== 'upgraded') return;
    expect(result.res.statusCode).toBe(101);
    expect(result.res.headers['sec-websocket-accept']).toBe(acceptFor(key));
    const requestId = String(result.res.headers['x-request-id']);
    expect(seen.at(-1)).toBe(`/echo rid=${requestId} upgrade=websocket`);
    expect(audit.at(-1)).toMatchObject({ id: requestId, status: 101, blocked: false });

    const echoed = nextData(result.socket);
    result.socket.write('ping through the tunnel');
    expect(await echoed).toBe('ping through the tunnel');

    expect(upstreamSockets.size).toBe(1);
    const [upstreamSide] = upstreamSockets;
    const upstreamClosed = new Promise<void>((r) => upstreamSide?.once('close', () => r()));
    result.socket.destroy();
    await upstreamClosed;
    expect(upstreamSockets.size).toBe(0);
  });

  it('refuses an attack in the handshake with 403 and a request id; the upstream never sees it', async () => {
    const before = seen.length;
    const result = await handshake(port, '/echo?q=attack', key);
    expect(result.kind).toBe('response');
    if (result.kind !== 'response') return;
    expect(result.res.statusCode).toBe(403);
    expect(result.body).toContain(`Request id: ${String(result.res.headers['x-request-id'])}`);
    expect(seen.length).toBe(before);
    expect(audit.at(-1)).toMatchObject({ status: 403, blocked: true, rules: [{ id: 1001 }] });
  });

  it("runs phase 3 on the upstream's 101: a leaky header gets 403 and the upstream side is closed", async () => {
    const result = await handshake(port, '/leaky', key);
    expect(result.kind).toBe('response');
    if (result.kind !== 'response') return;
    expect(result.res.statusCode).toBe(403);
    expect(audit.at(-1)).toMatchObject({ status: 403, blocked: true, rules: [{ id: 1003 }] });
    await new Promise((r) => setTimeout(r, 50));
    expect(upstreamSockets.size).toBe(0);
  });

  it('relays a declined upgrade as an ordinary response', async () => {
    const result = await handshake(port, '/chat', key);
    expect(result.kind).toBe('response');
    if (result.kind !== 'response') return;
    expect(result.res.statusCode).toBe(426);
    expect(result.body).toBe('upgrade declined\n');
    expect(result.res.headers['x-request-id']).toBeTruthy();
  });

  it('does not tunnel h2c (the request-smuggling route past a proxy): it is proxied as the plain request it also is, body inspected', async () => {
    const before = seen.length;
    const get = await handshake(port, '/echo', key, 'h2c');
    expect(get.kind === 'response' && get.res.statusCode).toBe(200);
    expect(get.kind === 'response' && get.body).toBe('plain /echo upgrade=- body=');
    const post = await handshake(port, '/form', key, 'h2c', 'name=alice&city=Oslo');
    expect(post.kind === 'response' && post.body).toBe('plain /form upgrade=- body=name=alice&city=Oslo');
    const attack = await handshake(port, '/form', key, 'h2c', 'name=attack');
    expect(attack.kind === 'response' && attack.res.statusCode).toBe(403);
    expect(audit.at(-1)).toMatchObject({ method: 'POST', uri: '/form', blocked: true, rules: [{ id: 1001 }] });
    expect(seen.length).toBe(before);
  });

  it('streams a large declined-upgrade response intact', async () => {
    const result = await handshake(port, '/big', key);
    expect(result.kind).toBe('response');
    if (result.kind !== 'response') return;
    expect(result.res.statusCode).toBe(426);
    expect(result.body.length).toBe(BIG.length);
  });

  it('CONNECT: inspected and audited, answered 405 (a reverse proxy tunnels nothing), or blocked by a rule', async () => {
    const connect = (target: string): Promise<{ status: number; requestId: string }> =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method: 'CONNECT', path: target });
        req.on('connect', (res: IncomingMessage, socket: Socket) => {
          socket.destroy();
          resolve({ status: res.statusCode ?? 0, requestId: String(res.headers['x-request-id'] ?? '') });
        });
        req.on('response', (res: IncomingMessage) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, requestId: String(res.headers['x-request-id'] ?? '') });
        });
        req.on('error', reject);
        req.end();
      });
    const before = seen.length;
    const refused = await connect('good.example:443');
    expect(refused.status).toBe(405);
    expect(audit.at(-1)).toMatchObject({ id: refused.requestId, method: 'CONNECT', status: 405, blocked: false });
    const blocked = await connect('evil.example:443');
    expect(blocked.status).toBe(403);
    expect(audit.at(-1)).toMatchObject({ id: blocked.requestId, status: 403, blocked: true, rules: [{ id: 1004 }] });
    expect(seen.length).toBe(before);
  });
});

describe('wafUpgradeListener: handshakes inside a Node app', () => {
  it("inspects the app's own WebSocket handshakes: an attack gets 403 and never reaches the app's handler", async () => {
    const handled: string[] = [];
    const audits: AuditRecord[] = [];
    const server = createServer((_req, res) => res.end('page'));
    server.on(
      'upgrade',
      wafUpgradeListener(
        Waf.fromText(RULES),
        (req: IncomingMessage, socket: Duplex) => {
          handled.push(req.url ?? '');
          socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(String(req.headers['sec-websocket-key']))}\r\n\r\n`);
          socket.pipe(socket);
        },
        { audit: (r) => audits.push(r) },
      ),
    );
    const port = await listen(server);
    const key = Buffer.from('another 16 bytes').toString('base64');
    const ok = await handshake(port, '/chat', key);
    expect(ok.kind).toBe('upgraded');
    if (ok.kind === 'upgraded') {
      const echoed = nextData(ok.socket);
      ok.socket.write('hi');
      expect(await echoed).toBe('hi');
      ok.socket.destroy();
    }
    const attack = await handshake(port, '/chat?room=attack', key);
    expect(attack.kind === 'response' && attack.res.statusCode).toBe(403);
    expect(handled).toEqual(['/chat']);
    expect(audits.at(-1)).toMatchObject({ uri: '/chat?room=attack', blocked: true, rules: [{ id: 1001 }] });
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
});
