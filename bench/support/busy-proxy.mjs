// Bench control for the WAF latency comparison: a bare Node `http` reverse proxy that
// busy-waits a set number of microseconds per request before forwarding, allocating nothing
// while it waits. It spends a WAF's inspection time in the request path without doing any
// inspection, so its p99 shows what the machine alone adds to a request that costs that much
// CPU. Usage (forked): PORT and UPSTREAM_PORT in the environment; the parent sends
// { spinMicros } and waits for the echo before each measurement.
import { Agent, createServer, request } from 'node:http';

const upstreamPort = Number(process.env.UPSTREAM_PORT);
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
let spinNanos = 0n;

function spin() {
  if (spinNanos === 0n) return;
  const until = process.hrtime.bigint() + spinNanos;
  while (process.hrtime.bigint() < until);
}

createServer({ keepAlive: true }, (req, res) => {
  spin();
  const upstream = request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent }, (upstreamRes) => {
    res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
    upstreamRes.pipe(res);
  });
  upstream.on('error', () => {
    res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.({ ready: true }));

process.on('message', (message) => {
  if (typeof message?.spinMicros !== 'number') return;
  spinNanos = BigInt(Math.max(0, Math.round(message.spinMicros * 1000)));
  process.send?.({ spinMicros: message.spinMicros });
});
process.on('disconnect', () => process.exit(0));
