/**
 * Requests Node's HTTP parser refuses before any rule can run (unknown methods, Content-Length
 * beside chunked coding, bytes after a `Connection: close` request, oversized heads): `bulwark
 * waf` answers them as Node would (400, 431, 408) but with a request id, counts them, and
 * writes an audit line naming the parser's reason and the request line it saw.
 */
import type { Socket } from 'node:net';
import type { ServerResponse } from 'node:http';
import type { Waf } from '../engine/waf.js';
import { auditRecord, rawResponse, textAnswer, transactionForSocket, type AuditRecord } from './inspect.js';
import type { WafMetrics } from './metrics.js';

/** The part of a request line kept in the audit record. */
const REQUEST_LINE_LIMIT = 256;

const statusFor = (code: string): number => (code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400);

/** The first line of what the client sent, cut at {@link REQUEST_LINE_LIMIT} bytes. */
function requestLineOf(raw: unknown): string {
  if (!Buffer.isBuffer(raw)) return '';
  const head = raw.subarray(0, REQUEST_LINE_LIMIT);
  const end = head.indexOf('\r\n');
  return head.subarray(0, end === -1 ? head.length : end).toString('latin1');
}

export function createClientErrorHandler(waf: Waf, metrics: WafMetrics, audit?: (record: AuditRecord) => void): (err: Error & { code?: string; rawPacket?: unknown }, socket: Socket) => void {
  return (err, socket) => {
    const code = err.code ?? 'ERR_UNKNOWN';
    if (code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const tx = transactionForSocket(waf, socket);
    const status = statusFor(code);
    // Like Node's own handler: no answer over a response that has started (it would corrupt it).
    const inFlight = (socket as unknown as { _httpMessage?: ServerResponse })._httpMessage;
    if (!inFlight?.headersSent) {
      const answer = textAnswer(status, 'Request refused: malformed HTTP.', tx.id);
      socket.write(rawResponse(answer.status, answer.headers, answer.body));
    }
    socket.destroy();
    metrics.request('rejected');
    if (!audit) return;
    const requestLine = requestLineOf(err.rawPacket);
    const [method = '', uri = '', protocol = ''] = requestLine.split(' ');
    const head = { method: method.slice(0, 32), uri, protocol, line: requestLine, headers: [] };
    audit({ ...auditRecord(tx, head, socket.remoteAddress ?? '', status), blocked: true, rejected: { code, requestLine } });
  };
}
