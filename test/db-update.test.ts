/**
 * `bulwark db update` against a local HTTP server on 127.0.0.1 serving files in the real feeds'
 * layouts (OSV all.zip, Alpine secdb JSON): conditional requests, mirror fallback on 5xx/429,
 * and a failed update that leaves the previous database intact.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync } from './helpers/run-cli.js';

const secdb = JSON.stringify({ distroversion: 'v3.19', reponame: 'main', packages: [{ pkg: { name: 'busybox', secfixes: { '1.36.1-r17': ['CVE-2023-42363'] } } }] });
const osvZip = Buffer.from(
  zipSync({ 'GO-2020-0001.json': new TextEncoder().encode(JSON.stringify({ id: 'GO-2020-0001', aliases: ['CVE-2020-36567'], affected: [{ package: { ecosystem: 'Go', name: 'github.com/gin-gonic/gin' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.6.0' }] }] }] })) }),
);

let server: Server;
let base = '';
const hits: string[] = [];
let brokenOsv = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url} ${req.headers['if-none-match'] ?? ''}`);
    const url = req.url ?? '';
    if (url.startsWith('/down/')) {
      res.writeHead(503).end('maintenance');
      return;
    }
    if (url.startsWith('/busy/')) {
      res.writeHead(429, { 'retry-after': '0' }).end();
      return;
    }
    const path = url.replace(/^\/good/, '');
    const body = path === '/osv/Go/all.zip' ? (brokenOsv ? Buffer.from('this is not a zip') : osvZip) : path === '/alpine/v3.19/main.json' ? Buffer.from(secdb) : undefined;
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304).end();
      return;
    }
    res.writeHead(200, { etag, 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('bulwark db update', () => {
  it('downloads, revalidates with ETags, falls back across mirrors, and never half-updates', async () => {
    const feeds = (home: string): string => {
      const file = join(home, 'feeds.yaml');
      writeFileSync(file, [`feeds:`, `  - name: osv-go`, `    urls: [${base}/down/osv/Go/all.zip, ${base}/busy/osv/Go/all.zip, ${base}/good/osv/Go/all.zip]`, `  - name: alpine-v3.19-main`, `    urls: [${base}/good/alpine/v3.19/main.json]`, ''].join('\n'));
      return file;
    };
    const first = await runCliAsync(['db', 'update', '--feeds', feeds((await runCliAsync(['--version'])).home), '--retries', '1']);
    expect(first.stderr).toMatch(/updated .*advisories\.sqlite: 2 advisories from 2 feeds \(2 downloaded, 0 not modified\)/);
    expect(first.status).toBe(0);
    expect(hits.filter((h) => h.includes('/down/')).length).toBe(2); // one try + one retry, then the next mirror
    expect(hits.filter((h) => h.includes('/busy/')).length).toBe(2);

    const home = first.home;
    const status = JSON.parse((await runCliAsync(['db', 'status', '-f', 'json'], { home })).stdout) as { advisories: number; sources: { name: string }[] };
    expect(status.sources.map((s) => s.name).sort()).toEqual(['feed:alpine-v3.19-main', 'feed:osv-go']);

    hits.length = 0;
    const second = await runCliAsync(['db', 'update', '--feeds', feeds(home), '--retries', '0'], { home });
    expect(second.status).toBe(0);
    expect(second.stderr).toMatch(/\(0 downloaded, 2 not modified\)/);
    expect(hits.some((h) => h.startsWith('GET /good/alpine/v3.19/main.json "'))).toBe(true);

    // A feed that changes into garbage: the update fails and the previous database stays.
    brokenOsv = true;
    const third = await runCliAsync(['db', 'update', '--feeds', feeds(home), '--retries', '0'], { home });
    expect(third.status).toBe(2);
    expect(third.stderr).toMatch(/bulwark: .*osv-go\.zip: /);
    const after = JSON.parse((await runCliAsync(['db', 'status', '-f', 'json'], { home })).stdout) as { advisories: number };
    expect(after.advisories).toBe(status.advisories);
    expect(existsSync(join(home, '.cache/bulwark/db/advisories.sqlite'))).toBe(true);
    brokenOsv = false;
  }, 60_000);
});
