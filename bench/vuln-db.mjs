// Benchmark: advisory import (time, peak RSS, database size) for the whole shared advisory set,
// then a full scan (inventory + vulnerabilities, warm database and layer cache) of each shared
// image next to Trivy's inventory-only time on the same file (Trivy has no DB offline).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findTrivy } from './peers.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const SHARED = resolve(ROOT, '../shared/data');
const BULWARK = join(ROOT, 'packages/cli/bin/bulwark.js');
if (!existsSync(join(SHARED, 'advisories')) || !existsSync(join(SHARED, 'images'))) {
  console.log('bench: skipped, ../shared/data/advisories or images is absent');
  process.exit(0);
}
const A = join(SHARED, 'advisories');
const sources = [
  'alpine/secdb', ...readdirSync(join(A, 'debian/oval')).map((f) => `debian/oval/${f}`), 'mariner/cbl-mariner-2.0-oval.xml.gz',
  'go/golang-vulndb.osv.jsonl.gz', 'pypi/pypa-advisory-database.osv.jsonl.gz', 'cargo/rustsec.osv.jsonl.gz',
  'rubygems/ruby-advisory-db.gems.jsonl.gz', 'npm/nodejs-security-wg.npm.jsonl.gz', 'npm/gitlab-advisories-community.npm.jsonl.gz',
  'maven/gitlab-advisories-community.maven.jsonl.gz', 'npm/ghsa-subset',
].map((s) => join(A, s));
const work = mkdtempSync(join(tmpdir(), 'bulwark-bench-db-'));
const db = join(work, 'advisories.sqlite');

function timed(cmd, args, env = {}) {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 << 20 });
  return { wall: (performance.now() - t) / 1000, rss: Number(r.stderr.trim().split('\n').pop()) / 1024, status: r.status, stdout: r.stdout };
}

const imp = timed(process.execPath, [BULWARK, 'db', 'import', ...sources, '--db', db]);
console.log(`\nadvisory import: ${imp.wall.toFixed(2)} s, peak ${Math.round(imp.rss)} MiB, database ${(statSync(db).size / 1048576).toFixed(1)} MiB (${sources.length} sources)`);
const trivy = findTrivy({ fetch: false });
console.log('\nimage | bulwark full scan (warm) | findings | trivy inventory only | ratio');
const cache = join(work, 'cache');
for (const name of readdirSync(join(SHARED, 'images')).filter((n) => /\.tar(\.gz)?$/.test(n)).sort()) {
  const file = join(SHARED, 'images', name);
  const args = [BULWARK, 'image', file, '-f', 'json', '-q', '--db', db, '--cache-dir', cache];
  timed(process.execPath, args); // warm the layer cache
  const bw = timed(process.execPath, args);
  const findings = bw.status === 0 || bw.status === 2 ? (JSON.parse(bw.stdout).vulnerabilities ?? []).length : 'n/a';
  let tv = 'n/a';
  let ratio = 'n/a';
  if (trivy && !/\.oci/.test(name)) {
    const extra = name.startsWith('java-') ? ['--skip-files', '**/*.jar', '--skip-files', '**/*.war'] : [];
    const tcache = join(work, 'tc');
    mkdirSync(tcache, { recursive: true });
    const t = timed(trivy, ['image', '--input', file, '--format', 'cyclonedx', '--skip-db-update', '--offline-scan', '-q', '-o', '/dev/null', ...extra], { TRIVY_CACHE_DIR: tcache });
    if (t.status === 0) {
      tv = t.wall.toFixed(2);
      ratio = (bw.wall / t.wall).toFixed(2);
    } else tv = 'fails';
  }
  console.log(`${name} | ${bw.wall.toFixed(2)} s | ${findings} | ${tv} | ${ratio}`);
}
rmSync(work, { recursive: true, force: true });
