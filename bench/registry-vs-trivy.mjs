// Benchmark: scanning images by reference from a real registry (Debian docker-registry on
// 127.0.0.1, plain HTTP), `bulwark sbom REF --insecure` vs `trivy image REF --format cyclonedx`
// (TRIVY_INSECURE=true, offline), cold (empty caches) and warm, side by side in the same run.
// Also counts the layer blobs each tool downloaded on its warm runs (from the registry log).
// Skips cleanly without docker-registry/skopeo or the shared image corpus.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findTrivy } from './peers.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const IMAGES = process.env.BULWARK_IMAGES ?? resolve(ROOT, '../shared/data/images');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BULWARK = join(ROOT, 'packages/cli/bin/bulwark.js');
const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

if (!existsSync(IMAGES) || !has('docker-registry') || !has('skopeo')) {
  console.log('bench: registry comparison skipped (needs ../shared/data/images, docker-registry and skopeo)');
  process.exit(0);
}
const trivy = findTrivy();
const scratch = mkdtempSync(join(tmpdir(), 'bulwark-bench-registry-'));
const port = await new Promise((res) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => res(p));
  });
});
const host = `127.0.0.1:${port}`;
writeFileSync(join(scratch, 'config.yml'), `version: 0.1\nlog: {level: warn}\nstorage:\n  filesystem: {rootdirectory: ${join(scratch, 'data')}}\nhttp:\n  addr: ${host}\n`);
// The log goes to a file: this script blocks in spawnSync, and a full pipe would stall the registry.
const logFile = join(scratch, 'registry.log');
const logFd = openSync(logFile, 'w');
const registry = spawn('docker-registry', ['serve', join(scratch, 'config.yml')], { stdio: ['ignore', logFd, logFd] });
for (let i = 0; i < 100; i++) {
  try {
    await fetch(`http://${host}/v2/`);
    break;
  } catch {
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sources = readdirSync(IMAGES)
  .filter((n) => /\.(docker|oci)\.tar$|containerd\.oci\.tar$/.test(n) && !n.startsWith('alpine-3.12.0') && !n.includes('arm64'))
  .map((n) => ({ name: n.replace(/\.tar$/, '').replace(/[^a-z0-9]+/g, '-'), source: `${n.includes('.oci') ? 'oci-archive' : 'docker-archive'}:${join(IMAGES, n)}` }));
const pushed = [];
for (const img of sources) {
  const r = spawnSync('skopeo', ['copy', '-q', '--dest-tls-verify=false', img.source, `docker://${host}/bench/${img.name}:1`], { encoding: 'utf8' });
  if (r.status === 0) pushed.push(img.name);
  else console.log(`bench: could not push ${img.name}: ${r.stderr.trim().split('\n').pop()}`);
}

const layerGets = () => [...readFileSync(logFile, 'utf8').matchAll(/"GET \/v2\/bench\/[^/]+\/blobs\/(sha256:[0-9a-f]{64})/g)].map((m) => m[1]);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function timed(cmd, args, env) {
  const started = performance.now();
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 256 << 20 });
  return { wall: (performance.now() - started) / 1000, ok: r.status === 0, err: r.stderr };
}

console.log(`\nScan by reference from docker-registry on ${host} (${pushed.length} images; median of ${RUNS} runs, wall s)`);
console.log('image                                   bw cold  trivy cold  ratio | bw warm  trivy warm  ratio | warm blob GETs bw/trivy');
const totals = { bwCold: 0, tvCold: 0, bwWarm: 0, tvWarm: 0, bwGets: 0, tvGets: 0 };
for (const name of pushed) {
  const ref = `${host}/bench/${name}:1`;
  const bwCache = join(scratch, 'bw', name);
  const tvCache = join(scratch, 'tv', name);
  const bwArgs = [BULWARK, 'sbom', ref, '--insecure', '-q', '-o', join(scratch, 'bw.json'), '--cache-dir', bwCache];
  const extra = name.startsWith('java-') ? ['--skip-files', '**/*.jar', '--skip-files', '**/*.war'] : [];
  const tvArgs = ['image', ref, '--image-src', 'remote', '--format', 'cyclonedx', '--skip-db-update', '--offline-scan', '-q', '-o', join(scratch, 'tv.json'), ...extra];
  const cold = (cache, run) => median(Array.from({ length: RUNS }, () => (rmSync(cache, { recursive: true, force: true }), run().wall)));
  const bwCold = cold(bwCache, () => timed(process.execPath, bwArgs, {}));
  const tvCold = trivy ? cold(tvCache, () => timed(trivy, tvArgs, { TRIVY_INSECURE: 'true', TRIVY_CACHE_DIR: tvCache })) : NaN;
  let before = layerGets().length;
  const bwWarm = median(Array.from({ length: RUNS }, () => timed(process.execPath, bwArgs, {}).wall));
  const bwGets = layerGets().length - before;
  before = layerGets().length;
  const tvWarm = trivy ? median(Array.from({ length: RUNS }, () => timed(trivy, tvArgs, { TRIVY_INSECURE: 'true', TRIVY_CACHE_DIR: tvCache }).wall)) : NaN;
  const tvGets = layerGets().length - before;
  Object.assign(totals, { bwCold: totals.bwCold + bwCold, tvCold: totals.tvCold + tvCold, bwWarm: totals.bwWarm + bwWarm, tvWarm: totals.tvWarm + tvWarm, bwGets: totals.bwGets + bwGets / RUNS, tvGets: totals.tvGets + tvGets / RUNS });
  const f = (x) => (Number.isFinite(x) ? x.toFixed(2) : '—').padStart(7);
  console.log(`${name.slice(0, 38).padEnd(39)} ${f(bwCold)}  ${f(tvCold)}    ${f(bwCold / tvCold)} | ${f(bwWarm)}  ${f(tvWarm)}    ${f(bwWarm / tvWarm)} | ${(bwGets / RUNS).toFixed(0)}/${trivy ? (tvGets / RUNS).toFixed(0) : '—'}`);
}
const f = (x) => (Number.isFinite(x) ? x.toFixed(2) : '—');
console.log(`total                                   ${f(totals.bwCold)} s vs ${f(totals.tvCold)} s cold (${f(totals.bwCold / totals.tvCold)}×); ${f(totals.bwWarm)} s vs ${f(totals.tvWarm)} s warm (${f(totals.bwWarm / totals.tvWarm)}×)`);
console.log(`blob GETs per warm run (all images; config blobs included): Bulwark ${totals.bwGets.toFixed(0)}, Trivy ${trivy ? totals.tvGets.toFixed(0) : '—'}`);
registry.kill('SIGTERM');
await new Promise((r) => registry.once('exit', r));
rmSync(scratch, { recursive: true, force: true });
