// Benchmark: `bulwark sbom` vs `trivy image --format cyclonedx` on every image in
// ../shared/data/images, side by side in the same run, cold (empty caches) and warm.
// Prints wall time (median of N runs), peak RSS and the ratios. Skips cleanly without data.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findTrivy } from './peers.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const IMAGES = process.env.BULWARK_IMAGES ?? resolve(ROOT, '../shared/data/images');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BULWARK = join(ROOT, 'packages/cli/bin/bulwark.js');
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

if (!existsSync(IMAGES)) {
  console.log(`bench: skipped, no image corpus at ${IMAGES} (set BULWARK_IMAGES)`);
  process.exit(0);
}

/** Run a command; return wall seconds and peak RSS in MiB (via GNU time when available). */
function measure(cmd, args, env, okStatuses = [0]) {
  const started = performance.now();
  const r = GNU_TIME
    ? spawnSync(GNU_TIME, ['-f', '%M', cmd, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 256 << 20 })
    : spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 256 << 20 });
  const wall = (performance.now() - started) / 1000;
  const rssKiB = GNU_TIME ? Number(r.stderr.trim().split('\n').pop()) : NaN;
  return { wall, rss: rssKiB / 1024, ok: okStatuses.includes(r.status), status: r.status };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function series(runOnce) {
  const runs = Array.from({ length: RUNS }, runOnce);
  return { wall: median(runs.map((r) => r.wall)), rss: Math.max(...runs.map((r) => r.rss)), ok: runs.every((r) => r.ok) };
}

/** Trivy cannot read oci-archive files: give it the archive unpacked (not timed). */
function trivyInput(file, scratch) {
  const isOci = /\.oci[.-]|\.oci\.tar$|containerd\.oci/.test(file) && !file.endsWith('.oci-dir');
  if (!isOci) return file;
  const dir = join(scratch, `unpacked-${file.split('/').pop()}`);
  mkdirSync(dir, { recursive: true });
  spawnSync('tar', ['xf', file, '-C', dir]);
  return dir;
}

const trivy = findTrivy();
if (!trivy) console.log('bench: Trivy not available; timing Bulwark only');
const scratch = mkdtempSync(join(tmpdir(), 'bulwark-bench-'));
const images = readdirSync(IMAGES).filter((n) => /\.tar(\.gz)?$|\.oci-dir$/.test(n)).sort();
const rows = [];
for (const name of images) {
  const file = join(IMAGES, name);
  const bwCache = join(scratch, 'bw-cache', name);
  const bwArgs = [BULWARK, 'sbom', file, '--format', 'cyclonedx', '-q', '-o', join(scratch, 'bw.json'), '--cache-dir', bwCache];
  const bwCold = series(() => {
    rmSync(bwCache, { recursive: true, force: true });
    return measure(process.execPath, bwArgs, {}, [0, 2]);
  });
  const bwWarm = series(() => measure(process.execPath, bwArgs, {}, [0, 2]));
  let tvCold;
  let tvWarm;
  if (trivy) {
    const tvCache = join(scratch, 'trivy-cache', name);
    const extra = name.startsWith('java-') ? ['--skip-files', '**/*.jar', '--skip-files', '**/*.war'] : [];
    const tvArgs = ['image', '--input', trivyInput(file, scratch), '--format', 'cyclonedx', '--skip-db-update', '--offline-scan', '-q', '-o', join(scratch, 'tv.json'), ...extra];
    tvCold = series(() => {
      rmSync(tvCache, { recursive: true, force: true });
      return measure(trivy, tvArgs, { TRIVY_CACHE_DIR: tvCache });
    });
    tvWarm = series(() => measure(trivy, tvArgs, { TRIVY_CACHE_DIR: tvCache }));
  }
  rows.push({ name, bwCold, bwWarm, tvCold, tvWarm });
}
rmSync(scratch, { recursive: true, force: true });

const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const ratio = (a, b) => (b && b.ok && Number.isFinite(b.wall) ? f(a.wall / b.wall) : 'n/a');
console.log(`\nbulwark sbom vs trivy image --format cyclonedx (median of ${RUNS} runs, wall s; peak RSS MiB)\n`);
console.log(['image', 'bw cold', 'trivy cold', 'ratio', 'bw warm', 'trivy warm', 'ratio', 'bw RSS', 'trivy RSS'].join(' | '));
for (const r of rows) {
  console.log([
    r.name,
    f(r.bwCold.wall), r.tvCold ? (r.tvCold.ok ? f(r.tvCold.wall) : 'fails') : 'n/a', ratio(r.bwCold, r.tvCold),
    f(r.bwWarm.wall), r.tvWarm ? (r.tvWarm.ok ? f(r.tvWarm.wall) : 'fails') : 'n/a', ratio(r.bwWarm, r.tvWarm),
    f(r.bwCold.rss, 0), r.tvCold?.ok ? f(r.tvCold.rss, 0) : 'n/a',
  ].join(' | '));
}
const both = rows.filter((r) => r.tvCold?.ok && r.tvWarm?.ok);
if (both.length > 0) {
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);
  const cold = sum(both.map((r) => r.bwCold.wall)) / sum(both.map((r) => r.tvCold.wall));
  const warm = sum(both.map((r) => r.bwWarm.wall)) / sum(both.map((r) => r.tvWarm.wall));
  const rss = Math.max(...both.map((r) => r.bwCold.rss)) / Math.max(...both.map((r) => r.tvCold.rss));
  console.log(`\n${both.length} images both tools read: total wall ratio cold ${f(cold)}x (goal <= 0.7), warm ${f(warm)}x (goal <= 0.2); max RSS ratio ${f(rss)}x (goal <= 1)`);
}
