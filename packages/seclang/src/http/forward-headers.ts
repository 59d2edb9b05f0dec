/**
 * Which headers a proxy passes on: everything but hop-by-hop headers (RFC 9110 §7.6.1) and
 * Content-Length (the proxy frames the body itself), plus its own additions. An upgrade
 * handshake keeps Connection and Upgrade, which are what it asks the next hop for.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authenticate', 'proxy-authorization', 'content-length']);
const HOP_BY_HOP_BUT_UPGRADE = new Set([...HOP_BY_HOP].filter((name) => name !== 'connection' && name !== 'upgrade'));

/** Raw header pairs (`rawHeaders`) without the hop-by-hop ones, then `extra`. */
export function forwardHeaders(raw: readonly string[], extra: Readonly<Record<string, string>>, upgrade = false): [string, string][] {
  const dropped = upgrade ? HOP_BY_HOP_BUT_UPGRADE : HOP_BY_HOP;
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (!dropped.has(name.toLowerCase())) out.push([name, raw[i + 1] as string]);
  }
  for (const [name, value] of Object.entries(extra)) out.push([name, value]);
  return out;
}
