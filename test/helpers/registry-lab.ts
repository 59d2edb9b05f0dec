/**
 * A real Debian `docker-registry` (distribution 2.8) on 127.0.0.1 for tests, in one of three
 * auth modes — none, htpasswd (bcrypt) or bearer tokens issued by a small token server run in
 * this process — plus `skopeo` pushes into it and access to the registry's request log.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type RegistryAuth = 'none' | 'htpasswd' | 'token';

export const LAB_USER = 'labuser';
export const LAB_PASSWORD = 'labpass';

export interface RegistryLab {
  /** host:port to put in references. */
  host: string;
  auth: RegistryAuth;
  /** The registry's storage root (tests alter blobs in it). */
  dataDir: string;
  /** Request lines from the registry's access log so far ("GET /v2/… HTTP/1.1" status). */
  requests(): string[];
  stop(): Promise<void>;
}

/** Whether the real components are installed (CI installs them; see .ci/run). */
export function registryToolsPresent(): boolean {
  return ['docker-registry', 'skopeo', 'htpasswd', 'openssl'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** A bearer-token service as distribution expects: RS256 JWTs with the signing cert in x5c. */
function startTokenServer(dir: string, service: string, issuer: string): Promise<{ server: Server; port: number }> {
  const keyPath = join(dir, 'token-key.pem');
  const certPath = join(dir, 'token-cert.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=bulwark-test-token'], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl: ${made.stderr}`);
  const key = createPrivateKey(readFileSync(keyPath));
  const certDer = readFileSync(certPath, 'utf8').replace(/-----[^-]+-----|\s/g, '');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token');
    if (url.pathname !== '/token') {
      res.writeHead(404).end();
      return;
    }
    const header = req.headers.authorization ?? '';
    const [user, password] = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8').split(':');
    const authenticated = user === LAB_USER && password === LAB_PASSWORD;
    if (header && !authenticated) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"invalid username/password"}');
      return;
    }
    const access = url.searchParams.getAll('scope').map((scope) => {
      const [type, name, actions] = scope.split(':');
      return { type, name, actions: (actions ?? '').split(',').filter((a) => authenticated || a === 'pull') };
    });
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: issuer, sub: user ?? '', aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access };
    const input = `${b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [certDer] }))}.${b64url(JSON.stringify(claims))}`;
    const token = `${input}.${b64url(sign('RSA-SHA256', Buffer.from(input), key))}`;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })));
}

async function waitForRegistry(host: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${log()}`);
    try {
      const res = await fetch(`http://${host}/v2/`);
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`docker-registry did not start on ${host}: ${log()}`);
}

export async function startRegistry(auth: RegistryAuth): Promise<RegistryLab> {
  const dir = mkdtempSync(join(tmpdir(), `bulwark-registry-${auth}-`));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  let token: { server: Server; port: number } | undefined;
  let authBlock = '';
  if (auth === 'htpasswd') {
    const made = spawnSync('htpasswd', ['-Bbc', join(dir, 'htpasswd'), LAB_USER, LAB_PASSWORD], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`htpasswd: ${made.stderr}`);
    authBlock = `auth:\n  htpasswd:\n    realm: bulwark-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (auth === 'token') {
    token = await startTokenServer(dir, 'bulwark-test-registry', 'bulwark-test-issuer');
    authBlock = `auth:\n  token:\n    realm: http://127.0.0.1:${token.port}/token\n    service: bulwark-test-registry\n    issuer: bulwark-test-issuer\n    rootcertbundle: ${join(dir, 'token-cert.pem')}\n`;
  }
  writeFileSync(join(dir, 'config.yml'), `version: 0.1\nlog: {level: warn}\nstorage:\n  filesystem: {rootdirectory: ${join(dir, 'data')}}\nhttp:\n  addr: ${host}\n${authBlock}`);
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  await waitForRegistry(host, child, () => log);
  return {
    host,
    auth,
    dataDir: join(dir, 'data'),
    requests: () => [...log.matchAll(/"((?:GET|HEAD|PUT|POST|PATCH|DELETE) \/v2\/[^"]*)" (\d{3})/g)].map((m) => `${m[1]} ${m[2]}`),
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
      if (token) await new Promise<void>((r) => token.server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs skopeo without blocking this process (the token server lives in it). */
export function skopeo(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('skopeo', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`skopeo ${args.join(' ')}: exit ${code}: ${err}`));
    });
  });
}

/** `skopeo copy` an image (e.g. `oci-archive:/path.tar`) to `host/repository:tag` on the lab registry. */
export async function pushImage(lab: RegistryLab, source: string, target: string): Promise<void> {
  const creds = lab.auth === 'none' ? [] : ['--dest-creds', `${LAB_USER}:${LAB_PASSWORD}`];
  await skopeo(['copy', '-q', '--dest-tls-verify=false', ...creds, source, `docker://${lab.host}/${target}`]);
}

/** The digest of a pushed manifest, as skopeo sees it (an independent check of ours). */
export async function manifestDigest(lab: RegistryLab, target: string): Promise<string> {
  const creds = lab.auth === 'none' ? [] : ['--creds', `${LAB_USER}:${LAB_PASSWORD}`];
  return (await skopeo(['inspect', '--tls-verify=false', ...creds, '--format', '{{.Digest}}', `docker://${lab.host}/${target}`])).trim();
}
