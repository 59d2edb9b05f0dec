/**
 * How the proxy reaches the app it protects: plain HTTP, or HTTPS with the app's certificate
 * checked against the system's CAs or a CA bundle the operator gives (`--upstream-ca`).
 * Ordinary requests share a keep-alive pool; upgrades (WebSocket) get a connection of their own.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface UpstreamTls {
  /** PEM certificates trusted for the upstream instead of the system's CAs. */
  ca?: string | Buffer;
}

export interface Upstream {
  readonly url: URL;
  /** A request to the upstream; `pooled` ones reuse kept-alive connections. */
  request(options: Pick<RequestOptions, 'method' | 'path' | 'headers'>, pooled: boolean): ClientRequest;
  close(): void;
}

export function connectUpstream(url: URL, maxSockets: number, tls: UpstreamTls = {}): Upstream {
  const secure = url.protocol === 'https:';
  const tlsOptions = secure && tls.ca !== undefined ? { ca: tls.ca } : {};
  const agent = secure ? new HttpsAgent({ keepAlive: true, maxSockets, ...tlsOptions }) : new HttpAgent({ keepAlive: true, maxSockets });
  const send = secure ? httpsRequest : httpRequest;
  return {
    url,
    request: (options, pooled) => send({ protocol: url.protocol, hostname: url.hostname, port: url.port, ...options, ...(pooled ? { agent } : { agent: false, ...tlsOptions }) }),
    close: () => agent.destroy(),
  };
}
