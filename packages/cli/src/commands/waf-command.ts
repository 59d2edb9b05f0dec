/**
 * `bulwark waf`: the SecLang engine as a reverse proxy in front of an app (`--listen`,
 * `--upstream`, `--rules`), and `bulwark waf test`, the go-ftw regression runner. Rule sets
 * load as: engine base config, CRS setup, site settings (`--paranoia`, `--config`), rules,
 * then the virtual-patch pack. A malformed rule file is one line naming file and line.
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import type { Command } from 'commander';
import { BulwarkError } from '@bulwark/core';
import { SecLangError, Waf, bundledConfig, createMetricsServer, createWafProxy, echoBackend, loadFtwTests, parseFtwOverrides, ruleSetLayout, runFtwTests, runFtwTestsAgainstUrl, type AuditRecord, type FtwOverride, type FtwRunSummary, type RuleSource } from '@bulwark/seclang';
import { EXIT_INPUT_ERROR, EXIT_INTERNAL, EXIT_OK } from '../exit-codes.js';

/** Worker deaths within RESTART_WINDOW_MS that count as a crash loop. */
const RESTART_LIMIT = 5;
const RESTART_WINDOW_MS = 10_000;
/**
 * Workers run with a 32 MB young generation (V8's default semi-space is 16 MB): a request
 * through CRS allocates ~120 KB, so a young collection (~1.1–1.4 ms) lands on ~0.5% of
 * requests instead of ~0.9%, below the p99 (docs/waf.md "Tail latency"). A
 * --max-semi-space-size given to node or in NODE_OPTIONS is left to win.
 */
const WORKER_SEMI_SPACE_MB = 32;

function workerExecArgv(): string[] {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) => arg.startsWith('--max-semi-space-size'));
  return given ? process.execArgv : [...process.execArgv, `--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`];
}

interface RuleFlags {
  rules: string[];
  config: string[];
  paranoia?: string;
  virtualPatches: boolean;
  detectionOnly?: boolean;
}

interface ServeFlags extends RuleFlags {
  listen: string;
  upstream?: string;
  auditLog?: string;
  auditAll?: boolean;
  metricsListen?: string;
  workers: string;
  upstreamTimeout: string;
  upstreamCa?: string;
}

interface TestFlags extends RuleFlags {
  overrides?: string;
  regressionProfile: boolean;
  url?: string;
  logFile?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function hostPort(text: string, flag: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  if (!m || Number(m[3]) > 65535) throw new BulwarkError('USAGE', flag, `'${text}' is not HOST:PORT`);
  return { host: (m[1] ?? m[2]) as string, port: Number(m[3]) };
}

/** Settings that go between the CRS setup and the rules, as inline SecLang. */
function siteSettings(flags: RuleFlags): string {
  const lines: string[] = [];
  if (flags.detectionOnly) lines.push('SecRuleEngine DetectionOnly');
  if (flags.paranoia !== undefined) {
    if (!/^[1-4]$/.test(flags.paranoia)) throw new BulwarkError('USAGE', '--paranoia', `'${flags.paranoia}' is not a paranoia level (1-4)`);
    lines.push(`SecAction "id:900000,phase:1,pass,nolog,t:none,setvar:tx.blocking_paranoia_level=${flags.paranoia}"`);
  }
  return lines.join('\n');
}

function loadWaf(flags: RuleFlags, profile: string[] = []): Waf {
  if (!flags.rules.length) throw new BulwarkError('USAGE', '--rules', 'give the rule set: a CRS directory or .conf files');
  const site = siteSettings(flags);
  try {
    const { setup, rules } = ruleSetLayout(flags.rules);
    const sources: RuleSource[] = [bundledConfig('base.conf'), ...setup, ...profile, ...flags.config, ...(site ? [{ text: site }] : []), ...rules, ...(flags.virtualPatches ? [bundledConfig('virtual-patches.conf')] : [])];
    const waf = Waf.fromSources(sources);
    // A rule whose operator does not compile would silently never match: refuse, as ModSecurity does.
    const [first] = waf.rules.warnings;
    if (first) throw new BulwarkError('MALFORMED_CONFIG', first.split(': ')[0] ?? '--rules', first.split(': ').slice(1).join(': '));
    return waf;
  } catch (err) {
    if (err instanceof SecLangError) throw new BulwarkError('MALFORMED_CONFIG', `${err.file}:${err.line}`, err.problem);
    if (err instanceof Error && /^rules path not found/.test(err.message)) throw new BulwarkError('INPUT_NOT_FOUND', '--rules', err.message);
    throw err;
  }
}

function addRuleOptions(cmd: Command): Command {
  return cmd
    .option('--rules <path>', 'rule set: a CRS directory (crs-setup.conf[.example] + rules/*.conf) or a .conf file; repeatable', collect, [])
    .option('--config <file>', 'extra SecLang settings loaded after the CRS setup, before the rules; repeatable', collect, [])
    .option('--paranoia <level>', 'CRS blocking paranoia level 1-4')
    .option('--no-virtual-patches', "leave out Bulwark's virtual-patch rules for exploited CVEs")
    .option('--detection-only', 'log what would be blocked, block nothing');
}

export function addWafCommands(program: Command, setExit: (code: number) => void): void {
  const waf = addRuleOptions(
    program
      .command('waf')
      .description('web application firewall: run the OWASP CRS (or any SecLang rules) as a reverse proxy in front of an app')
      .option('--listen <host:port>', 'address to listen on', '127.0.0.1:8080')
      .option('--upstream <url>', 'the app to protect (http://host:port or https://host:port)')
      .option('--audit-log <file>', "JSON audit lines for flagged requests ('-' = stdout)")
      .option('--audit-all', 'write an audit line for every request')
      .option('--metrics-listen <host:port>', 'serve Prometheus metrics at /metrics on this address')
      .option('--workers <n>', 'worker processes sharing the listener, replaced when they die (one per core is typical)', '1')
      .option('--upstream-timeout <seconds>', 'how long the upstream may stay silent before the request fails with 504', '60')
      .option('--upstream-ca <file>', "PEM certificates to trust for an https:// upstream instead of the system's CAs")
      // `waf test --rules …`: options after the subcommand belong to it.
      .enablePositionalOptions(),
  ).action(async (flags: ServeFlags) => {
    setExit(await serve(flags));
  });
  addRuleOptions(
    waf
      .command('test')
      .argument('<tests>', 'directory of go-ftw YAML test files (searched recursively)')
      .description('run go-ftw regression tests (the format CRS ships) against the engine in-process')
      .option('--overrides <file>', 'go-ftw override file (test_overrides) replacing expectations per test')
      .option('--no-regression-profile', 'do not apply the settings CRS runs its own tests with (detection only, paranoia 4, test limits)')
      .option('--url <url>', 'send the requests to a running WAF instead (http://host:port); rule ids come from --log-file')
      .option('--log-file <file>', "with --url: that WAF's JSON audit log (bulwark waf --audit-log FILE --audit-all)"),
  ).action(async (tests: string, flags: TestFlags) => {
    setExit(await test(tests, flags));
  });
  waf
    .command('echo')
    .description('the echo backend the CRS regression suite expects behind the WAF (POST /reflect answers with the status, headers and body it names)')
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:8081')
    .action(async (flags: { listen: string }) => {
      const at = hostPort(flags.listen, '--listen');
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const reply = echoBackend(req.method ?? 'GET', req.url ?? '/', Buffer.concat(chunks));
          res.writeHead(reply.status, reply.headers.flat());
          res.end(reply.body);
        });
      });
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(at.port, at.host, resolve));
      process.stderr.write(`bulwark waf echo: listening on http://${flags.listen}\n`);
      await untilSignal();
      server.close();
      setExit(EXIT_OK);
    });
}

/** Sums Prometheus samples of the same series across workers. */
function mergeMetrics(texts: Iterable<string>): string {
  const order: string[] = [];
  const sums = new Map<string, number>();
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (!line) continue;
      const space = line.lastIndexOf(' ');
      const key = line.startsWith('#') ? line : line.slice(0, space);
      if (!sums.has(key)) order.push(key);
      sums.set(key, line.startsWith('#') ? 0 : (sums.get(key) ?? 0) + Number(line.slice(space + 1)));
    }
  }
  return `${order.map((k) => (k.startsWith('#') ? k : `${k} ${Number((sums.get(k) ?? 0).toFixed(6))}`)).join('\n')}\n`;
}

const untilSignal = (): Promise<void> =>
  new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

/** One stderr line per kind of upstream failure and 10 s (a refused or untrusted upstream fails every request). */
function reportUpstreamErrors(upstream: URL): (error: Error) => void {
  const lastSaid = new Map<string, number>();
  return (error) => {
    const message = error.message.split('\n')[0] ?? '';
    const now = Date.now();
    if (now - (lastSaid.get(message) ?? -Infinity) < 10_000) return;
    if (lastSaid.size > 100) lastSaid.clear();
    lastSaid.set(message, now);
    process.stderr.write(`bulwark waf: upstream ${upstream.origin}: ${message}\n`);
  };
}

/** The CA bundle for an https:// upstream: a readable file of PEM certificates. */
function readUpstreamCa(file: string, upstream: URL): string {
  if (upstream.protocol !== 'https:') throw new BulwarkError('USAGE', '--upstream-ca', 'a CA bundle only applies to an https:// upstream');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new BulwarkError('INPUT_NOT_FOUND', file, 'cannot read the --upstream-ca file');
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new BulwarkError('MALFORMED_CONFIG', file, 'no PEM certificate (-----BEGIN CERTIFICATE-----) in the --upstream-ca file');
  return text;
}

async function serve(flags: ServeFlags): Promise<number> {
  if (!flags.upstream) throw new BulwarkError('USAGE', '--upstream', 'name the app to protect, e.g. --upstream http://127.0.0.1:3000');
  let upstream: URL;
  try {
    upstream = new URL(flags.upstream);
  } catch {
    throw new BulwarkError('USAGE', '--upstream', `'${flags.upstream}' is not a URL`);
  }
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') throw new BulwarkError('USAGE', '--upstream', `'${flags.upstream}': the upstream is http:// or https://`);
  const upstreamCa = flags.upstreamCa === undefined ? undefined : readUpstreamCa(flags.upstreamCa, upstream);
  if (!/^\d{1,2}$/.test(flags.workers) || Number(flags.workers) < 1) throw new BulwarkError('USAGE', '--workers', `'${flags.workers}' is not a worker count (1-99)`);
  const workers = Number(flags.workers);
  const upstreamTimeoutMs = Number(flags.upstreamTimeout) * 1000;
  if (!/^\d+(\.\d+)?$/.test(flags.upstreamTimeout) || !(upstreamTimeoutMs > 0)) throw new BulwarkError('USAGE', '--upstream-timeout', `'${flags.upstreamTimeout}' is not a number of seconds above 0`);
  const listen = hostPort(flags.listen, '--listen');
  const metricsAt = flags.metricsListen ? hostPort(flags.metricsListen, '--metrics-listen') : undefined;
  const waf = loadWaf(flags); // loaded in the primary too: a broken rule set fails before any fork
  // The proxy always runs in workers under a primary, as nginx's master and workers: a worker
  // that dies is replaced even with --workers 1, and workers get the GC settings above.
  if (cluster.isPrimary) return servePrimary(flags, workers, `${waf.rules.ruleCount} rules, engine ${waf.rules.settings.mode}`, metricsAt);

  let auditStream: WriteStream | NodeJS.WriteStream | undefined;
  if (flags.auditLog) auditStream = flags.auditLog === '-' ? process.stdout : createWriteStream(flags.auditLog, { flags: 'a' });
  const audit = auditStream ? (r: AuditRecord): void => void auditStream.write(`${JSON.stringify(r)}\n`) : undefined;
  const proxy = createWafProxy(waf, { upstream, upstreamTimeoutMs, onUpstreamError: reportUpstreamErrors(upstream), ...(upstreamCa ? { upstreamTls: { ca: upstreamCa } } : {}), ...(audit ? { audit } : {}), auditAll: flags.auditAll === true });
  await new Promise<void>((resolve, reject) => proxy.server.once('error', reject).listen(listen.port, listen.host, resolve));
  // Report counters to the primary, which serves /metrics for all workers.
  // Sends are dropped once the channel is closed (the primary is going or gone), never thrown.
  const toPrimary = (message: object): void => void (process.connected && process.send?.(message, undefined, {}, () => undefined));
  const timer = setInterval(() => toPrimary({ bulwarkMetrics: proxy.metrics.render() }), 1000);
  timer.unref();
  toPrimary({ bulwarkReady: true });
  // A worker whose primary died (even by SIGKILL) stops too, instead of serving on unsupervised.
  const primaryGone = new Promise<void>((resolve) => process.once('disconnect', () => resolve()));
  await Promise.race([untilSignal(), primaryGone]);
  clearInterval(timer);
  await proxy.close();
  if (process.connected) cluster.worker?.disconnect(); // the IPC channel would keep the worker alive
  return EXIT_OK;
}

async function servePrimary(flags: ServeFlags, workers: number, ruleSummary: string, metricsAt: { host: string; port: number } | undefined): Promise<number> {
  const latest = new Map<number, string>();
  let ready = 0;
  let stopping = false;
  // A worker that dies after start-up is replaced, as nginx's master does; a crash loop
  // (RESTART_LIMIT deaths within RESTART_WINDOW_MS) stops the WAF instead of spinning.
  const deaths: number[] = [];
  let crashLoop: (reason: string) => void = () => undefined;
  const crashed = new Promise<string>((resolve) => (crashLoop = resolve));
  cluster.setupPrimary({ execArgv: workerExecArgv() });
  const allReady = new Promise<void>((resolve, reject) => {
    const fork = (): void => {
      const worker = cluster.fork();
      const pid = worker.process.pid;
      worker.on('message', (m: { bulwarkMetrics?: string; bulwarkReady?: boolean }) => {
        if (m.bulwarkMetrics) latest.set(worker.id, m.bulwarkMetrics);
        if (m.bulwarkReady && ++ready === workers) resolve();
      });
      worker.on('exit', (code, signal) => {
        if (ready < workers) return reject(new BulwarkError('USAGE', '--listen', `a worker exited during start-up (code ${String(code)}); is ${flags.listen} free?`));
        if (stopping) return;
        const now = Date.now();
        deaths.push(now);
        while (deaths.length && (deaths[0] as number) < now - RESTART_WINDOW_MS) deaths.shift();
        const how = signal ?? `code ${String(code)}`;
        if (deaths.length >= RESTART_LIMIT) return crashLoop(`${RESTART_LIMIT} workers died within ${RESTART_WINDOW_MS / 1000} s (last: ${how}); stopping`);
        process.stderr.write(`bulwark waf: worker ${String(pid)} exited (${how}); starting another\n`);
        fork();
      });
    };
    for (let i = 0; i < workers; i++) fork();
  });
  await allReady;
  const metricsServer = metricsAt ? createMetricsServer({ render: () => mergeMetrics(latest.values()) }) : undefined;
  if (metricsServer && metricsAt) await new Promise<void>((resolve, reject) => metricsServer.once('error', reject).listen(metricsAt.port, metricsAt.host, resolve));
  process.stderr.write(`bulwark waf: ${ruleSummary}, ${workers} worker${workers === 1 ? '' : 's'}, listening on http://${flags.listen} -> ${flags.upstream ?? ''}${metricsAt ? `, metrics on http://${flags.metricsListen ?? ''}/metrics` : ''}\n`);
  const failure = await Promise.race([untilSignal().then(() => undefined), crashed]);
  stopping = true;
  if (failure) process.stderr.write(`bulwark waf: ${failure}\n`);
  const running = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
  await Promise.all(running.map((w) => new Promise<void>((resolve) => w.once('exit', () => resolve()).kill('SIGTERM'))));
  metricsServer?.close();
  return failure ? EXIT_INTERNAL : EXIT_OK;
}

async function test(dir: string, flags: TestFlags): Promise<number> {
  let url: URL | undefined;
  if (flags.url !== undefined) {
    try {
      url = new URL(flags.url);
    } catch {
      throw new BulwarkError('USAGE', '--url', `'${flags.url}' is not a URL`);
    }
    if (!flags.logFile) throw new BulwarkError('USAGE', '--log-file', "--url needs the WAF's JSON audit log to read rule ids from");
  }
  const waf = url ? undefined : loadWaf(flags, flags.regressionProfile ? [bundledConfig('crs-regression.conf')] : []);
  const loaded = loadFtwTests(dir);
  for (const p of loaded.problems) process.stderr.write(`bulwark: ${p.file}: ${p.message}\n`);
  let overrides: FtwOverride[] = [];
  if (flags.overrides) {
    try {
      overrides = parseFtwOverrides(readFileSync(flags.overrides, 'utf8'));
    } catch (err) {
      throw new BulwarkError('MALFORMED_CONFIG', flags.overrides, err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err));
    }
  }
  const summary: FtwRunSummary = waf ? runFtwTests(waf, loaded.tests, overrides) : await runFtwTestsAgainstUrl(url as URL, flags.logFile as string, loaded.tests, overrides);
  for (const r of summary.results) if (r.outcome === 'failed') process.stdout.write(`FAIL ${r.name}: ${r.reason ?? ''}\n`);
  process.stdout.write(`${summary.passed} passed, ${summary.failed} failed${summary.skipped ? `, ${summary.skipped} skipped` : ''}\n`);
  if (loaded.problems.length) return EXIT_INPUT_ERROR;
  return summary.failed ? 1 : EXIT_OK;
}
