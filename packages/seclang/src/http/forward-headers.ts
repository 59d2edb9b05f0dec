/**
 * Which headers a proxy passes on: everything but hop-by-hop headers (RFC 9110 §7.6.1: the fixed
 * list and any the Connection header names) and Content-Length (the proxy frames the body
 * itself); headers the proxy sets replace the ones received. An upgrade handshake keeps
 * Connection and Upgrade, which are what it asks the next hop for. Also the headers the proxy
 * adds to a request: its request id, and X-Forwarded-For / -Proto as nginx's usual setup passes them.
 */
import type { IncomingMessage } from 'node:http';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authenticate', 'proxy-authorization', 'content-length']);
const KEPT_FOR_UPGRADE = new Set(['connection', 'upgrade']);

/** Header names the Connection header lists (`Connection: close, X-Secret` makes X-Secret hop-by-hop). */
function connectionListed(raw: readonly string[]): Set<string> | undefined {
  let listed: Set<string> | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() !== 'connection') continue;
    for (const token of (raw[i + 1] as string).split(',')) {
      const name = token.trim().toLowerCase();
      if (name) (listed ??= new Set()).add(name);
    }
  }
  return listed;
}

/** Raw header pairs (`rawHeaders`) without the hop-by-hop ones and those `set` replaces, then `set`. */
export function forwardHeaders(raw: readonly string[], set: Readonly<Record<string, string>>, upgrade = false): [string, string][] {
  const listed = connectionListed(raw);
  const replaced = Object.keys(set).map((name) => name.toLowerCase());
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    const hopByHop = (HOP_BY_HOP.has(lower) || listed?.has(lower) === true) && !(upgrade && KEPT_FOR_UPGRADE.has(lower));
    if (!hopByHop && !replaced.includes(lower)) out.push([name, raw[i + 1] as string]);
  }
  for (const [name, value] of Object.entries(set)) out.push([name, value]);
  return out;
}

/**
 * What the proxy adds to a request it passes on: its request id (replacing any the client
 * sent, so the id always finds the audit line), the client's address appended to
 * X-Forwarded-For, and X-Forwarded-Proto as received from a front end, else `http`.
 */
export function proxyRequestHeaders(req: IncomingMessage, requestId: string): Record<string, string> {
  const client = req.socket.remoteAddress ?? '';
  const chain = req.headers['x-forwarded-for'];
  const proto = req.headers['x-forwarded-proto'];
  return { 'x-request-id': requestId, 'x-forwarded-for': chain ? `${chain}, ${client}` : client, 'x-forwarded-proto': typeof proto === 'string' && proto ? proto : 'http' };
}
