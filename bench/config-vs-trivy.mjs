// Benchmark: `bulwark config` vs `trivy config` (offline, built-in checks only) on the
// real-world corpus in test/fixtures/config-corpus (50 files from public projects, see its
// README). Prints, per Trivy check that fired, how many files both tools flag, only Trivy
// flags and only Bulwark flags (matched through Bulwark's cross-walk aliases), then what
// only Bulwark reports by category, and the scan time of both, median of N runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { findTrivy } from './peers.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const CORPUS = join(ROOT, 'test/fixtures/config-corpus');
const BULWARK = join(ROOT, 'packages/cli/bin/bulwark.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const trivy = findTrivy();
if (!trivy) {
  console.log('bench: Trivy not available; skipping the config comparison');
  process.exit(0);
}
const cache = mkdtempSync(join(tmpdir(), 'bulwark-trivy-config-'));
const run = (cmd, args) => {
  const started = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  return { wall: (performance.now() - started) / 1000, stdout: r.stdout, status: r.status };
};
const trivyArgs = ['config', '--skip-policy-update', '--cache-dir', cache, '-f', 'json', '-q', CORPUS];
const bulwarkArgs = [BULWARK, 'config', CORPUS, '-f', 'json'];
/** DS-0002, DS002 → DS2; KSV-0017, KSV017 → KSV17. */
const norm = (id) => {
  const m = /^(DS|KSV|AVD-DS-|AVD-KSV-)-?0*(\d+)$/i.exec(id.replace(/^AVD-/, ''));
  return m ? `${m[1].replace(/-$/, '').toUpperCase()}${Number(m[2])}` : undefined;
};

const t = JSON.parse(run(trivy, trivyArgs).stdout);
const b = JSON.parse(run(process.execPath, bulwarkArgs).stdout);
const trivyHits = new Map(); // id -> Set(file)
const titles = new Map();
for (const r of t.Results ?? []) {
  for (const m of r.Misconfigurations ?? []) {
    if (m.Status !== 'FAIL') continue;
    const id = norm(m.ID);
    if (!id) continue;
    titles.set(id, `${m.ID} ${m.Title}`);
    (trivyHits.get(id) ?? trivyHits.set(id, new Set()).get(id)).add(r.Target);
  }
}
const bulwarkById = new Map(); // normalized alias -> Set(file)
const ours = b.misconfigurations.map((f) => ({ ...f, file: relative(CORPUS, f.path) }));
for (const f of ours) for (const a of f.aliases) {
  const id = norm(a);
  if (id) (bulwarkById.get(id) ?? bulwarkById.set(id, new Set()).get(id)).add(f.file);
}
console.log(`\nConfiguration checks on ${CORPUS.replace(ROOT + '/', '')}: Trivy ${t.Results?.length ?? 0} files with results, Bulwark ${new Set(ours.map((f) => f.file)).size} files with findings`);
console.log('Trivy check                                              both  only-trivy  only-bulwark (files)');
for (const [id, files] of [...trivyHits].sort((a, b2) => b2[1].size - a[1].size)) {
  const mine = bulwarkById.get(id) ?? new Set();
  const both = [...files].filter((f) => mine.has(f)).length;
  console.log(`${(titles.get(id) ?? id).slice(0, 55).padEnd(56)} ${String(both).padStart(4)}  ${String(files.size - both).padStart(10)}  ${String([...mine].filter((f) => !files.has(f)).length).padStart(12)}`);
}
const covered = new Set([...trivyHits.keys()]);
const onlyOurs = ours.filter((f) => !f.aliases.some((a) => covered.has(norm(a) ?? '')));
const byCategory = new Map();
for (const f of onlyOurs) byCategory.set(`${f.configType} / ${f.category}`, (byCategory.get(`${f.configType} / ${f.category}`) ?? 0) + 1);
console.log('\nOnly Bulwark (checks Trivy did not fire here), findings by type / category:');
for (const [k, n] of [...byCategory].sort((a, b2) => b2[1] - a[1])) console.log(`  ${k.padEnd(45)} ${n}`);

const median = (xs) => [...xs].sort((a, b2) => a - b2)[Math.floor(xs.length / 2)];
const tb = median(Array.from({ length: RUNS }, () => run(process.execPath, bulwarkArgs).wall));
const tt = median(Array.from({ length: RUNS }, () => run(trivy, trivyArgs).wall));
console.log(`\nscan time (median of ${RUNS}): bulwark ${tb.toFixed(2)} s, trivy config ${tt.toFixed(2)} s, ratio ${(tb / tt).toFixed(2)}x`);
if (!existsSync(CORPUS)) process.exit(1);
