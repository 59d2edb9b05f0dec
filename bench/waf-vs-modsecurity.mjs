// Benchmark: `bulwark waf` (CRS v4 from ../shared/data/crs, paranoia 1, blocking) against
// nginx + ModSecurity v3 running the same CRS files, and the bare upstream, with wrk on
// loopback: requests/s and latency for a benign browser GET and a JSON POST, side by side in
// one run, ratios printed. Needs Debian's wrk, nginx and libnginx-mod-http-modsecurity;
// skips with a message when any is missing. Each WAF is also timed with inspection off (nginx
// proxying without ModSecurity; bulwark with `SecRuleEngine Off`) so that the latency the proxy
// hop adds on this machine is told apart from the latency rule evaluation adds. One-connection
// latency is measured in rounds that visit every target in turn, and each target's median p99
// over the rounds is compared (a single run's p99 moves by a millisecond on a small VM).
// Two controls run in the same rounds: a bare Node proxy (support/busy-proxy.mjs), and the
// same proxy busy-waiting, per request, the median time bulwark took over it in that round, so
// the p99 a request of that CPU cost gets on this machine is printed beside bulwark's.
// Tunables: BENCH_DURATION (8s), BENCH_CONNECTIONS (32), BENCH_WORKERS (CPU count: nginx
// workers = bulwark workers), BENCH_LATENCY_ROUNDS (3).
import { fork, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const CRS = resolve(ROOT, '../shared/data/crs');
const BULWARK = join(ROOT, 'packages/cli/bin/bulwark.js');
const MODULE = '/usr/lib/nginx/modules/ngx_http_modsecurity_module.so';
const DURATION = process.env.BENCH_DURATION ?? '8s';
const CONNECTIONS = process.env.BENCH_CONNECTIONS ?? '32';
const WORKERS = Number(process.env.BENCH_WORKERS ?? availableParallelism());
const LATENCY_ROUNDS = Math.max(1, Number(process.env.BENCH_LATENCY_ROUNDS ?? 3));

const missing = [
  ['wrk', spawnSync('wrk', ['--version']).error === undefined],
  ['nginx', spawnSync('nginx', ['-v']).error === undefined],
  [MODULE, existsSync(MODULE)],
  ['/etc/nginx/modsecurity.conf', existsSync('/etc/nginx/modsecurity.conf')],
  [CRS, existsSync(join(CRS, 'rules'))],
].filter(([, ok]) => !ok);
if (missing.length) {
  console.log(`bench: WAF comparison skipped (missing: ${missing.map(([n]) => n).join(', ')}; apt-get install wrk nginx libnginx-mod-http-modsecurity)`);
  process.exit(0);
}

const freePort = () => new Promise((ok) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); }); });
const lab = mkdtempSync(join(tmpdir(), 'bulwark-waf-bench-'));
for (const d of ['conf', 'logs', 'tmp']) mkdirSync(join(lab, d));
const [backendPort, modsecPort, bulwarkPort, nginxProxyPort, bulwarkOffPort, busyPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];

copyFileSync('/etc/nginx/modsecurity.conf', join(lab, 'conf/modsecurity.conf'));
copyFileSync('/etc/nginx/unicode.mapping', join(lab, 'conf/unicode.mapping'));
const modsecConf = spawnSync('sed', ['-e', 's/^SecRuleEngine .*/SecRuleEngine On/', '-e', 's/^SecAuditEngine .*/SecAuditEngine Off/', '-e', `s#^SecAuditLog .*#SecAuditLog ${lab}/logs/audit.log#`, '-e', 's/^SecStatusEngine .*/SecStatusEngine Off/', join(lab, 'conf/modsecurity.conf')], { encoding: 'utf8' }).stdout;
writeFileSync(join(lab, 'conf/modsecurity.conf'), modsecConf);
writeFileSync(join(lab, 'conf/modsec-main.conf'), `Include ${lab}/conf/modsecurity.conf\nInclude ${CRS}/crs-setup.conf.example\nInclude ${CRS}/rules/*.conf\n`);
writeFileSync(
  join(lab, 'conf/nginx.conf'),
  `load_module ${MODULE};
worker_processes ${WORKERS};
pid ${lab}/logs/nginx.pid;
error_log ${lab}/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${lab}/tmp/body;
  proxy_temp_path ${lab}/tmp/proxy;
  upstream backend { server 127.0.0.1:${backendPort}; keepalive 64; }
  server { listen 127.0.0.1:${backendPort}; location / { default_type text/plain; return 200 "hello from backend\\n"; } }
  server { listen 127.0.0.1:${modsecPort};
    modsecurity on;
    modsecurity_rules_file ${lab}/conf/modsec-main.conf;
    location / { proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://backend; } }
  server { listen 127.0.0.1:${nginxProxyPort};
    location / { proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://backend; } }
}
`,
);

const HEADERS = `["Host"]="shop.example.com", ["User-Agent"]="Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", ["Accept"]="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", ["Accept-Language"]="en-US,en;q=0.9", ["Accept-Encoding"]="gzip, deflate, br", ["Cookie"]="session=3f9a1c0b7d2e4f68; theme=dark"`;
writeFileSync(join(lab, 'get.lua'), `local n = 0\nrequest = function()\n  n = n + 1\n  return wrk.format("GET", "/products/view?id=" .. n .. "&sort=price&page=" .. (n % 10), {${HEADERS}})\nend\n`);
writeFileSync(
  join(lab, 'json.lua'),
  `local n = 0\nrequest = function()\n  n = n + 1\n  return wrk.format("POST", "/api/orders", {${HEADERS}, ["Content-Type"]="application/json"}, '{"items":[{"sku":"SKU-' .. n .. '","qty":2,"price":19.99}],"currency":"EUR","shipping":{"street":"12 Main Road","country":"DE"},"note":"Leave at the door, please"}')\nend\n`,
);

const children = [];
const stopAll = () => {
  spawnSync('nginx', ['-p', lab, '-c', 'conf/nginx.conf', '-s', 'stop']);
  for (const c of children) c.kill('SIGTERM');
};
process.on('exit', stopAll);

function get(port, path, headers = {}) {
  return new Promise((ok) => {
    request({ host: '127.0.0.1', port, path, headers: { host: 'shop.example.com', 'user-agent': 'Mozilla/5.0', accept: 'text/html', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => ok(res.statusCode));
    })
      .on('error', () => ok(0))
      .end();
  });
}
async function waitFor(port) {
  for (let i = 0; i < 200; i++) {
    if ((await get(port, '/')) !== 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing answers on ${port}`);
}

const started = spawnSync('nginx', ['-p', lab, '-c', 'conf/nginx.conf'], { encoding: 'utf8' });
if (started.status !== 0) {
  console.log(`bench: nginx did not start: ${started.stderr.trim()}`);
  process.exit(0);
}
const bulwark = spawn(process.execPath, [BULWARK, 'waf', '--listen', `127.0.0.1:${bulwarkPort}`, '--upstream', `http://127.0.0.1:${backendPort}`, '--rules', CRS, '--workers', String(WORKERS), '--no-virtual-patches'], { stdio: ['ignore', 'ignore', 'inherit'] });
children.push(bulwark);
writeFileSync(join(lab, 'conf/engine-off.conf'), 'SecRuleEngine Off\n');
const bulwarkOff = spawn(process.execPath, [BULWARK, 'waf', '--listen', `127.0.0.1:${bulwarkOffPort}`, '--upstream', `http://127.0.0.1:${backendPort}`, '--rules', CRS, '--config', join(lab, 'conf/engine-off.conf'), '--workers', String(WORKERS), '--no-virtual-patches'], { stdio: ['ignore', 'ignore', 'inherit'] });
children.push(bulwarkOff);
const busyProxy = fork(join(import.meta.dirname, 'support/busy-proxy.mjs'), { env: { ...process.env, PORT: String(busyPort), UPSTREAM_PORT: String(backendPort) }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
children.push(busyProxy);
/** Sets the control proxy's busy-wait and resolves once it has taken effect. */
const setBusyWait = (spinMicros) => new Promise((ok) => {
  const onMessage = (m) => {
    if (m?.spinMicros !== spinMicros) return;
    busyProxy.off('message', onMessage);
    ok();
  };
  busyProxy.on('message', onMessage);
  busyProxy.send({ spinMicros });
});
await Promise.all([waitFor(backendPort), waitFor(modsecPort), waitFor(bulwarkPort), waitFor(nginxProxyPort), waitFor(bulwarkOffPort), waitFor(busyPort)]);

// Both WAFs must block the same attack and pass the benign request before we time them.
for (const [name, port] of [['modsecurity', modsecPort], ['bulwark', bulwarkPort]]) {
  const benign = await get(port, '/products/view?id=1&sort=price');
  const attack = await get(port, "/products/view?id=1'%20or%20'1'='1");
  console.log(`${name}: benign → ${benign}, SQL injection → ${attack}`);
}

function wrk(port, script, connections = CONNECTIONS) {
  const threads = Number(connections) > 1 ? '-t2' : '-t1';
  const r = spawnSync('wrk', [threads, `-c${connections}`, `-d${DURATION}`, '--latency', '-s', join(lab, script), `http://127.0.0.1:${port}/`], { encoding: 'utf8' });
  const num = (re) => r.stdout.match(re)?.[1];
  const ms = (text) => (text === undefined ? NaN : text.endsWith('us') ? parseFloat(text) / 1000 : text.endsWith('ms') ? parseFloat(text) : parseFloat(text) * 1000);
  return { rps: Number(num(/Requests\/sec:\s+([\d.]+)/)), p50: ms(num(/\s50%\s+([\d.]+\w+)/)), p99: ms(num(/\s99%\s+([\d.]+\w+)/)), non2xx: Number(num(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0) };
}

console.log(`\nwrk -t2 -c${CONNECTIONS} -d${DURATION}, ${WORKERS} worker(s) for nginx and for bulwark, CRS at ${CRS}`);
console.log('scenario     target          req/s    p50 ms   p99 ms   non-2xx');
const results = {};
for (const [scenario, script] of [['GET', 'get.lua'], ['JSON POST', 'json.lua']]) {
  for (const [target, port] of [['upstream', backendPort], ['modsecurity', modsecPort], ['bulwark', bulwarkPort]]) {
    wrk(port, script); // warm-up run, discarded
    const r = wrk(port, script);
    results[`${scenario}/${target}`] = r;
    console.log(`${scenario.padEnd(12)} ${target.padEnd(14)} ${r.rps.toFixed(0).padStart(7)} ${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(8)} ${String(r.non2xx).padStart(9)}`);
  }
  const b = results[`${scenario}/bulwark`];
  const m = results[`${scenario}/modsecurity`];
  console.log(`${scenario}: bulwark/modsecurity throughput ${(b.rps / m.rps).toFixed(2)}x (goal >= 1.0)`);
  // Added latency is measured unloaded (one connection): at saturation p99 is queueing, not inspection.
  const targets = [['upstream', backendPort], ['nginx proxy', nginxProxyPort], ['modsecurity', modsecPort], ['bulwark off', bulwarkOffPort], ['bulwark', bulwarkPort], ['node proxy', busyPort], ['node proxy busy', busyPort]];
  const rounds = Object.fromEntries(targets.map(([t]) => [t, []]));
  const spins = [];
  for (let round = 0; round < LATENCY_ROUNDS; round++) {
    for (const [target, port] of targets) {
      if (target === 'node proxy') await setBusyWait(0);
      if (target === 'node proxy busy') {
        // Busy for the median time bulwark added over the bare Node proxy in this round.
        spins.push(Math.max(0, Math.round((rounds.bulwark[round].p50 - rounds['node proxy'][round].p50) * 1000)));
        await setBusyWait(spins[round]);
      }
      rounds[target].push(wrk(port, script, '1'));
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const one = Object.fromEntries(targets.map(([t]) => [t, { p50: median(rounds[t].map((r) => r.p50)), p99: median(rounds[t].map((r) => r.p99)) }]));
  console.log(`${scenario}, one connection, p99 ms per round: ${targets.map(([t]) => `${t} ${rounds[t].map((r) => r.p99.toFixed(2)).join('/')}`).join(', ')}`);
  console.log(`${scenario}, one connection, median p50/p99 ms: ${targets.map(([t]) => `${t} ${one[t].p50.toFixed(2)}/${one[t].p99.toFixed(2)}`).join(', ')}`);
  const added = (a, b) => (one[a].p99 - one[b].p99).toFixed(2);
  console.log(`${scenario}: p99 added over the bare upstream: bulwark ${added('bulwark', 'upstream')} ms, modsecurity ${added('modsecurity', 'upstream')} ms (goal <= 2 ms)`);
  console.log(`${scenario}: p99 added by inspection (over the same proxy with rules off): bulwark ${added('bulwark', 'bulwark off')} ms, modsecurity ${added('modsecurity', 'nginx proxy')} ms`);
  console.log(`${scenario}: control — a bare Node proxy busy-waiting ${spins.join('/')} µs per request (bulwark's median cost over it) adds p99 ${added('node proxy busy', 'upstream')} ms; the bare Node proxy adds ${added('node proxy', 'upstream')} ms\n`);
}
stopAll();
rmSync(lab, { recursive: true, force: true });
