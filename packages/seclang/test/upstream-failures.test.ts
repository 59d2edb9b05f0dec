/**
 * An upstream that fails while the proxy waits on it, on loopback: one that cuts its answer off
 * mid-body (inspected or streamed) or stays silent past the timeout. The client gets 502 / 504
 * with a request id, or a cut connection once the answer has started, and the proxy keeps
 * serving the next requests.
 */
import { request } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyInFront, type ProxiedUpstream } from './support/loopback.js';

/** The status, or 'cut' when the connection ended before the answer was whole. */
function get(port: number, path: string): Promise<{ status: number | 'cut'; requestId: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      const requestId = String(res.headers['x-request-id'] ?? '');
      res.on('data', () => undefined);
      res.on('end', () => resolve({ status: res.complete ? (res.statusCode ?? 0) : 'cut', requestId }));
      res.on('error', () => resolve({ status: 'cut', requestId }));
    });
    req.on('error', () => resolve({ status: 'cut', requestId: '' }));
    req.end();
  });
}

describe('upstream failures', () => {
  // /cut-inspected and /cut-streamed promise 100 bytes and send 10; /silent never answers; anything else is fine.
  const upstream = createServer((socket) =>
    socket.once('data', (d: Buffer) => {
      const path = d.toString('latin1').split(' ')[1] ?? '/';
      if (path === '/silent') return;
      if (path.startsWith('/cut')) {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: ${path === '/cut-inspected' ? 'text/plain' : 'application/octet-stream'}\r\nContent-Length: 100\r\n\r\nonly ten b`);
        setTimeout(() => socket.destroy(), 30);
        return;
      }
      socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n');
    }),
  );
  let proxied: ProxiedUpstream;
  let port = 0;

  beforeAll(async () => {
    proxied = await proxyInFront(upstream, 'SecRuleEngine On\nSecResponseBodyAccess On\nSecResponseBodyMimeType text/plain', { upstreamTimeoutMs: 300 });
    port = proxied.port;
  });
  afterAll(() => proxied.close());

  it('an inspected body cut off mid-way is a 502 with a request id, and the proxy serves on', async () => {
    const cut = await get(port, '/cut-inspected');
    expect(cut.status).toBe(502);
    expect(cut.requestId).not.toBe('');
    expect((await get(port, '/fine')).status).toBe(200);
  });

  it('a streamed body cut off mid-way cuts the client connection too, and the proxy serves on', async () => {
    expect((await get(port, '/cut-streamed')).status).toBe('cut');
    expect((await get(port, '/fine')).status).toBe(200);
  });

  it('a silent upstream is a 504 after the timeout', async () => {
    const silent = await get(port, '/silent');
    expect(silent.status).toBe(504);
    expect(silent.requestId).not.toBe('');
    expect((await get(port, '/fine')).status).toBe(200);
  });

  it('counts each failure once', () => {
    expect(proxied.proxy.metrics.render()).toContain('bulwark_waf_upstream_errors_total 3');
  });
});

