/**
 * Acceptance: the 21 repository cases of Trivy's integration tests that list every package
 * (../shared/data/conformance/trivy/cases/*.json with packages_all): scanning the case's
 * input directory yields exactly that package set for the target file, with the same
 * relationships where Trivy states them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, scanFs, scanRootfs } from '../packages/core/src/index.js';

const CORPUS = resolve(import.meta.dirname, '../../shared/data/conformance/trivy');

interface Case {
  artifact: { type: string };
  options: { command?: string; input: string; includeDevDeps?: boolean };
  packages_all?: { name: string; version: string; relationship?: string; target: string }[];
}

const cases = existsSync(join(CORPUS, 'cases'))
  ? readdirSync(join(CORPUS, 'cases'))
      .filter((f) => f !== 'index.json')
      .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(CORPUS, 'cases', f), 'utf8')) as Case] as const)
      .filter(([, c]) => (c.packages_all?.length ?? 0) > 0 && c.artifact.type !== 'container_image')
  : [];

describe.skipIf(cases.length === 0)('Trivy repository conformance cases', () => {
  it('covers the 21 cases', () => {
    expect(cases).toHaveLength(21);
  });

  it.each(cases)('%s', async (_name, c) => {
    const scan = c.options.command === 'rootfs' ? scanRootfs : scanFs;
    const report = await scan(join(CORPUS, c.options.input), { limits: DEFAULT_LIMITS, includeDevDeps: c.options.includeDevDeps === true });
    const want = c.packages_all ?? [];
    const target = want[0]?.target as string;
    const found = report.packages.filter((p) => p.locations.some((l) => l.path.endsWith(`/${target}`)));
    expect(found.map((p) => `${p.name}@${p.version}`).sort()).toEqual(want.map((p) => `${p.name}@${p.version}`).sort());
    for (const w of want) {
      if (!w.relationship) continue;
      expect(found.find((p) => p.name === w.name && p.version === w.version)?.relationship, `${w.name}@${w.version}`).toBe(w.relationship);
    }
    expect(report.problems).toEqual([]);
  });
});

/** Repository cases that list only the vulnerable packages: each must be in the inventory. */
const vulnerableCases = existsSync(join(CORPUS, 'cases'))
  ? readdirSync(join(CORPUS, 'cases'))
      .filter((f) => f !== 'index.json')
      .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(CORPUS, 'cases', f), 'utf8')) as Case & { packages_vulnerable?: { name: string; installed: string; target: string }[] }] as const)
      .filter(([, c]) => c.artifact.type === 'repository' && !(c.packages_all?.length) && (c.packages_vulnerable?.length ?? 0) > 0)
  : [];

describe.skipIf(vulnerableCases.length === 0)('Trivy repository cases: vulnerable packages are found', () => {
  it.each(vulnerableCases)('%s', async (_name, c) => {
    const report = await scanFs(join(CORPUS, c.options.input), { limits: DEFAULT_LIMITS });
    for (const v of c.packages_vulnerable ?? []) {
      const hit = report.packages.find((p) => p.name === v.name && p.version === v.installed && p.locations.some((l) => l.path === `/${v.target}`));
      expect(hit, `${v.name}@${v.installed} in ${v.target}`).toBeDefined();
    }
  });
});
