// Scores secret findings against the CredSweeper labels (../shared/data/secrets/README.md).
// A finding covers lines start..end of a file. It is a true positive when it covers a line
// labelled "secret"; a false positive when it covers a "not-secret" line or lies in a file
// labelled "no-secret-in-file"; otherwise "unlabelled" (excluded from precision, reported).
// Recall is the share of labelled secret lines covered by at least one finding.
export function scoreSecrets(labels, findings) {
  const secret = new Map();
  const negative = new Map();
  const clean = new Set();
  const add = (m, f, l) => (m.get(f) ?? m.set(f, new Set()).get(f)).add(l);
  for (const l of labels) {
    if (l.label === 'secret') add(secret, l.file, l.line);
    else if (l.label === 'not-secret') add(negative, l.file, l.line);
    else clean.add(l.file);
  }
  let tp = 0;
  let fp = 0;
  let unlabelled = 0;
  const recalled = new Set();
  const falsePositives = [];
  for (const f of findings) {
    const lines = [];
    for (let n = f.start; n <= f.end; n++) lines.push(n);
    const hit = lines.filter((n) => secret.get(f.file)?.has(n));
    for (const n of hit) recalled.add(`${f.file}:${n}`);
    if (hit.length > 0) tp++;
    else if (clean.has(f.file) || lines.some((n) => negative.get(f.file)?.has(n))) {
      fp++;
      falsePositives.push(`${f.file}:${f.start} ${f.rule}`);
    } else unlabelled++;
  }
  const total = [...secret.values()].reduce((n, s) => n + s.size, 0);
  return { findings: findings.length, tp, fp, unlabelled, precision: tp / Math.max(1, tp + fp), recall: recalled.size / total, falsePositives };
}
