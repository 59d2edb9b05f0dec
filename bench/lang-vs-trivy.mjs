// Benchmark: language inventory of a large project tree — node_modules with >= 1,000 packages
// installed from the npm registry plus every jar Debian ships in /usr/share/java — with
// `bulwark rootfs` vs `trivy rootfs`, side by side in the same run. Prints wall time, peak RSS,
// package counts and the ratio. Skips cleanly when npm install or Trivy is unavailable.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findTrivy } from './peers.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const BULWARK = join(ROOT, 'packages/cli/bin/bulwark.js');
const WORK = process.env.BENCH_LANG_DIR ?? join(tmpdir(), 'bulwark-bench-lang');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
// A realistic front-end + back-end dependency set: well over 1,000 installed packages.
const NPM_SET = ['webpack@5.94.0', 'eslint@8.57.0', 'jest@29.7.0', '@babel/core@7.25.2', 'express@4.19.2', 'typescript@5.5.4', 'react-scripts@5.0.1'];

function prepare() {
  const project = join(WORK, 'app');
  if (!existsSync(join(project, 'node_modules'))) {
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'bench-app', version: '1.0.0', private: true }));
    console.error(`installing ${NPM_SET.length} npm packages and their dependencies into ${project} ...`);
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--legacy-peer-deps', ...NPM_SET], { cwd: project, stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 });
    if (r.status !== 0) return undefined;
  }
  const jars = join(WORK, 'jars/usr/share/java');
  if (!existsSync(jars) && existsSync('/usr/share/java')) {
    mkdirSync(jars, { recursive: true });
    for (const f of readdirSync('/usr/share/java')) if (/\d\.jar$/.test(f)) cpSync(join('/usr/share/java', f), join(jars, f), { dereference: true });
  }
  return project;
}

function measure(cmd, args, env = {}) {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 512 << 20 });
  return { wall: (performance.now() - t) / 1000, rss: Number(r.stderr.trim().split('\n').pop()) / 1024, ok: r.status === 0, stdout: r.stdout };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const project = prepare();
if (!project) {
  console.log('bench: skipped, npm install failed (is the npm registry reachable?)');
  process.exit(0);
}
const jarDir = join(WORK, 'jars');
const jarCount = existsSync(join(jarDir, 'usr/share/java')) ? readdirSync(join(jarDir, 'usr/share/java')).length : 0;
const trivy = findTrivy();
const f = (x) => x.toFixed(2);
const countBulwark = (r) => JSON.parse(r.stdout).packages.length;
const countTrivy = (r) => (JSON.parse(r.stdout).components ?? []).filter((c) => c.type === 'library').length;
for (const [label, dir] of [['node_modules', project], [`${jarCount} Debian jars`, jarDir]]) {
  if (!existsSync(dir)) continue;
  const bw = Array.from({ length: RUNS }, () => measure(process.execPath, [BULWARK, 'rootfs', dir, '-f', 'json', '-q', '--no-cache']));
  console.log(`\n${label} (${dir}), median of ${RUNS} runs`);
  console.log(`bulwark rootfs: ${f(median(bw.map((r) => r.wall)))} s, ${Math.round(Math.max(...bw.map((r) => r.rss)))} MiB, ${countBulwark(bw[0])} packages`);
  if (!trivy) {
    console.log('trivy: not available');
    continue;
  }
  const tv = Array.from({ length: RUNS }, () => measure(trivy, ['rootfs', dir, '--format', 'cyclonedx', '--skip-db-update', '--offline-scan', '-q'], { TRIVY_CACHE_DIR: join(WORK, 'trivy-cache') }));
  if (!tv[0].ok) {
    console.log('trivy rootfs: fails on this input offline (jars need its Java DB; see docs/compat.md)');
    continue;
  }
  console.log(`trivy rootfs:   ${f(median(tv.map((r) => r.wall)))} s, ${Math.round(Math.max(...tv.map((r) => r.rss)))} MiB, ${countTrivy(tv[0])} packages`);
  console.log(`ratio bulwark/trivy: wall ${f(median(bw.map((r) => r.wall)) / median(tv.map((r) => r.wall)))}x, RSS ${f(Math.max(...bw.map((r) => r.rss)) / Math.max(...tv.map((r) => r.rss)))}x`);
}
