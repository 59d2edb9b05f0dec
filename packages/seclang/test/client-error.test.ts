/**
 * Requests Node's HTTP parser refuses, through the reverse proxy on loopback: answered 400 / 431
 * with a request id, never forwarded, counted in the metrics, and written to the audit log with
 * the parser's reason and the request line.
 */
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../src/index.js';
import { proxyInFront, type ProxiedUpstream } from './support/loopback.js';

/** Sends raw bytes and resolves with everything the server wrote before closing. */
function exchange(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
    socket.on('close', () => resolve(out));
    socket.on('error', () => resolve(out));
  });
}

describe('requests the HTTP parser refuses', () => {
  const forwarded: string[] = [];
  const upstream = createServer((req, res) => {
    forwarded.push(`${req.method ?? ''} ${req.url ?? ''}`);
    res.end('upstream');
  });
  const audit: AuditRecord[] = [];
  let proxied: ProxiedUpstream;
  let port = 0;

  beforeAll(async () => {
    proxied = await proxyInFront(upstream, 'SecRuleEngine On', { audit: (r) => audit.push(r) });
    port = proxied.port;
  });
  afterAll(() => proxied.close());

  it('an unknown method: 400 with a request id and an audit line naming the reason', async () => {
    const out = await exchange(port, 'FOO /admin HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    const id = /x-request-id: (\S+)/.exec(out)?.[1];
    expect(out).toContain(`Request id: ${String(id)}`);
    expect(audit.at(-1)).toMatchObject({ id, method: 'FOO', uri: '/admin', status: 400, blocked: true, rejected: { code: 'HPE_INVALID_METHOD', requestLine: 'FOO /admin HTTP/1.1' } });
    expect(forwarded).toEqual([]);
  });

  it('Content-Length beside chunked coding (a smuggling shape) is refused and audited', async () => {
    const out = await exchange(port, 'POST /pay HTTP/1.1\r\nHost: localhost\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nfoo=bar\r\n0\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 400 /);
    expect(audit.at(-1)).toMatchObject({ method: 'POST', uri: '/pay', status: 400, rejected: { requestLine: 'POST /pay HTTP/1.1' } });
    expect(audit.at(-1)?.rejected?.code).toMatch(/^HPE_/);
    expect(forwarded).toEqual([]);
  });

  it('an oversized head gets 431', async () => {
    const out = await exchange(port, `GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(out).toMatch(/^HTTP\/1\.1 431 /);
    expect(audit.at(-1)).toMatchObject({ status: 431, rejected: { code: 'HPE_HEADER_OVERFLOW' } });
  });

  it('counts refusals in the metrics', () => {
    expect(proxied.proxy.metrics.render()).toContain('bulwark_waf_requests_total{outcome="rejected"} 3');
  });
});
