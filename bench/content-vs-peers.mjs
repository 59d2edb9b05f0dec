// Benchmark: secret and malware scanning against the peers, side by side in the same run.
//  1. Accuracy on the labelled CredSweeper corpus (../shared/data/secrets): precision and recall
//     of `bulwark fs --scanners secret` and `trivy fs --scanners secret`, scored the same way.
//  2. Secret-scan throughput (MB/s) on one root filesystem (every layer of the shared images
//     unpacked into a scratch directory) vs Trivy's secret scanner.
//  3. Malware throughput on the same tree vs `clamscan` with the same ClamAV database.
// Skips cleanly when the shared data or a peer is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes, createHash } from 'node:crypto';
import { findTrivy } from './peers.mjs';
import { scoreSecrets } from './secret-labels.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const SHARED = process.env.BULWARK_SHARED ?? resolve(ROOT, '../shared/data');
const CORPUS = join(SHARED, 'secrets/credsweeper');
const IMAGES = join(SHARED, 'images');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BULWARK = join(ROOT, 'packages/cli/bin/bulwark.js');

if (!existsSync(CORPUS) || !existsSync(IMAGES)) {
  console.log(`bench: skipped, no secret corpus or images under ${SHARED} (set BULWARK_SHARED)`);
  process.exit(0);
}
const trivy = findTrivy();
const scratch = mkdtempSync(join(tmpdir(), 'bulwark-content-bench-'));
const run = (cmd, args) => {
  const started = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 512 << 20 });
  return { wall: (performance.now() - started) / 1000, stdout: r.stdout, stderr: r.stderr, status: r.status };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timed = (cmd, args) => median(Array.from({ length: RUNS }, () => run(cmd, args).wall));
const trivyArgs = (mode, dir) => [mode, '--scanners', 'secret', '--offline-scan', '--skip-db-update', '--skip-java-db-update', '--cache-dir', join(scratch, 'trivy-cache'), '-f', 'json', '-q', dir];

// ---- 1. accuracy ----
const samples = join(CORPUS, 'samples');
const labels = readFileSync(join(CORPUS, 'labels.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const bw = JSON.parse(run(process.execPath, [BULWARK, 'fs', samples, '--scanners', 'secret', '-f', 'json', '-q']).stdout);
const ours = scoreSecrets(labels, (bw.secrets ?? []).map((s) => ({ file: s.path.slice(1), start: s.line, end: s.endLine ?? s.line, rule: s.ruleId })));
console.log(`\nSecrets, CredSweeper corpus (${labels.filter((l) => l.label === 'secret').length} labelled secret lines, ${readdirSync(samples).length} files)`);
console.log('tool     findings  precision  recall   (TP/FP/unlabelled)');
const line = (name, s) => console.log(`${name.padEnd(8)} ${String(s.findings).padStart(8)}  ${s.precision.toFixed(3).padStart(9)}  ${s.recall.toFixed(3).padStart(6)}   (${s.tp}/${s.fp}/${s.unlabelled})`);
line('bulwark', ours);
if (trivy) {
  const t = JSON.parse(run(trivy, trivyArgs('fs', samples)).stdout || '{}');
  const found = (t.Results ?? []).flatMap((r) => (r.Secrets ?? []).map((s) => ({ file: r.Target, start: s.StartLine, end: s.EndLine, rule: s.RuleID })));
  const theirs = scoreSecrets(labels, found);
  line('trivy', theirs);
  console.log(`recall ratio bulwark/trivy: ${(ours.recall / theirs.recall).toFixed(2)}x`);
} else console.log('trivy    not available');
if (process.env.BENCH_VERBOSE) for (const fp of ours.falsePositives) console.log(`  FP ${fp}`);

// ---- 2 and 3. throughput on an unpacked root filesystem ----
function extractImage(file, into) {
  const unpacked = join(scratch, 'archive');
  spawnSync('rm', ['-rf', unpacked]);
  mkdirSync(unpacked, { recursive: true });
  if (statSync(file).isDirectory()) spawnSync('cp', ['-r', `${file}/.`, unpacked]);
  else spawnSync('tar', ['xf', file, '-C', unpacked]);
  let layers = [];
  if (existsSync(join(unpacked, 'manifest.json'))) layers = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8'))[0]?.Layers ?? [];
  else if (existsSync(join(unpacked, 'index.json'))) {
    const blob = (d) => join(unpacked, 'blobs', ...d.split(':'));
    let desc = JSON.parse(readFileSync(join(unpacked, 'index.json'), 'utf8')).manifests[0];
    let doc = JSON.parse(readFileSync(blob(desc.digest), 'utf8'));
    while (doc.manifests) doc = JSON.parse(readFileSync(blob(doc.manifests[0].digest), 'utf8'));
    layers = doc.layers.map((l) => blob(l.digest).slice(unpacked.length + 1));
  }
  mkdirSync(into, { recursive: true });
  for (const layer of layers) {
    const path = join(unpacked, layer);
    const head = readFileSync(path).subarray(0, 4);
    const zstd = head.readUInt32LE(0) === 0xfd2fb528;
    spawnSync('tar', [zstd ? '--zstd' : '-a', '-xf', path, '-C', into, '--no-same-owner', '--no-same-permissions', '--exclude=dev/*'], { stdio: 'ignore' });
  }
}
const rootfs = join(scratch, 'rootfs');
for (const name of readdirSync(IMAGES).filter((n) => /\.tar(\.gz)?$|\.oci-dir$/.test(n))) extractImage(join(IMAGES, name), join(rootfs, name.replace(/\W+/g, '_')));
spawnSync('cp', ['-r', samples, join(rootfs, 'credsweeper')]);
let bytes = 0;
let files = 0;
const inodes = new Map();
const walk = (d) => {
  for (const n of readdirSync(d)) {
    const p = join(d, n);
    const st = lstatSync(p);
    if (st.isDirectory()) walk(p);
    else if (st.isFile()) {
      bytes += st.size;
      files++;
      inodes.set(st.ino, st.size);
    }
  }
};
walk(rootfs);
const mb = bytes / 1e6;
const distinct = [...inodes.values()].reduce((a, b) => a + b, 0) / 1e6;
console.log(`\nThroughput on one rootfs: every layer of the shared images + the secret corpus: ${files} paths, ${mb.toFixed(1)} MB read through all paths (${distinct.toFixed(1)} MB distinct; busybox applets are hardlinks, read once per path by both tools); median of ${RUNS}`);
const bwSecret = timed(process.execPath, [BULWARK, 'rootfs', rootfs, '--scanners', 'secret', '-q', '-f', 'json', '-o', join(scratch, 'bw.json')]);
const bwNone = timed(process.execPath, [BULWARK, 'rootfs', rootfs, '-q', '-f', 'json', '-o', join(scratch, 'bw0.json')]);
console.log(`secret  bulwark ${bwSecret.toFixed(2)} s = ${(mb / bwSecret).toFixed(1)} MB/s (inventory alone ${bwNone.toFixed(2)} s)`);
if (trivy) {
  const tSecret = timed(trivy, trivyArgs('rootfs', rootfs));
  console.log(`secret  trivy   ${tSecret.toFixed(2)} s = ${(mb / tSecret).toFixed(1)} MB/s   ratio bulwark/trivy time ${(bwSecret / tSecret).toFixed(2)}x`);
}

// Malware: a ClamAV database of 20,000 body and 20,000 hash signatures (random, so nothing
// matches and both engines do their full work), plus EICAR-style real hits from the test files.
const db = join(scratch, 'clamdb');
mkdirSync(db, { recursive: true });
const ndb = Array.from({ length: 20000 }, (_, i) => `Bench.Body.${i}:0:*:${randomBytes(12).toString('hex')}`);
const hdb = Array.from({ length: 20000 }, (_, i) => `${createHash('md5').update(String(i)).digest('hex')}:${1000 + i}:Bench.Hash.${i}`);
writeFileSync(join(db, 'bench.ndb'), `${ndb.join('\n')}\n`);
writeFileSync(join(db, 'bench.hdb'), `${hdb.join('\n')}\n`);
const bwMalware = timed(process.execPath, [BULWARK, 'rootfs', rootfs, '--scanners', 'malware', '--malware-db', db, '--max-file-size', '10M', '-q', '-f', 'json', '-o', join(scratch, 'bwm.json')]);
console.log(`\nmalware bulwark ${bwMalware.toFixed(2)} s = ${(mb / bwMalware).toFixed(1)} MB/s (40,000 signatures, files up to 10 MB)`);
if (spawnSync('clamscan', ['--version']).status === 0) {
  const clam = timed('clamscan', ['-r', '--no-summary', '--infected', '-d', db, '--max-filesize=10M', '--max-scansize=400M', rootfs]);
  console.log(`malware clamscan ${clam.toFixed(2)} s = ${(mb / clam).toFixed(1)} MB/s (--max-filesize=10M; clamscan also unpacks archives and normalises HTML/scripts)   ratio bulwark/clamscan time ${(bwMalware / clam).toFixed(2)}x`);
} else console.log('clamscan not available');
