/**
 * Loopback plumbing for the HTTP tests: a server listening on a free port, and a WAF proxy
 * started in front of an upstream server (both stopped by one `close`).
 */
import type { AddressInfo, Server } from 'node:net';
import { Waf, createWafProxy, type ProxyOptions, type WafProxy } from '../../src/index.js';

/** Listens on 127.0.0.1 and a free port; resolves with the port. */
export const listen = (server: Server): Promise<number> => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

export interface ProxiedUpstream {
  proxy: WafProxy;
  /** The proxy's port. */
  port: number;
  /** Stops the proxy, then the upstream. */
  close(): Promise<void>;
}

/** `upstream` listening on loopback with `bulwark waf`'s proxy (these rules) in front of it. */
export async function proxyInFront(upstream: Server, rules: string, options: Omit<ProxyOptions, 'upstream'> = {}): Promise<ProxiedUpstream> {
  const upstreamPort = await listen(upstream);
  const proxy = createWafProxy(Waf.fromText(rules), { ...options, upstream: new URL(`http://127.0.0.1:${upstreamPort}`) });
  const port = await listen(proxy.server);
  return {
    proxy,
    port,
    close: async () => {
      await proxy.close();
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    },
  };
}
