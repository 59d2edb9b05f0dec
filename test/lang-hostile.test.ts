/**
 * Bad language files are skipped with a warning naming them and the scan goes on: malformed
 * lockfiles, zip bombs inside jars, archives nested absurdly deep, files that are not archives.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, scanFs, scanRootfs } from '../packages/core/src/index.js';

const opts = { limits: DEFAULT_LIMITS };
const scratch = (): string => mkdtempSync(join(tmpdir(), 'bulwark-lang-bad-'));
const pom = (g: string, a: string, v: string): Uint8Array => new TextEncoder().encode(`groupId=${g}\nartifactId=${a}\nversion=${v}\n`);

describe('hostile language files', () => {
  it('a malformed lockfile is a warning; the other lockfiles are still read', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'package-lock.json'), '{"lockfileVersion": 3, "packages": {');
    writeFileSync(join(dir, 'Cargo.lock'), '[[package]]\nname = "app"\nversion = "0.1.0"\n');
    const report = await scanFs(dir, opts);
    expect(report.packages.map((p) => p.name)).toEqual(['app']);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ level: 'warning', code: 'UNREADABLE_FILE', input: expect.stringMatching(/package-lock\.json$/) });
  });

  it('an oversized entry in a jar (zip bomb) is skipped, the rest of the jar is read', async () => {
    const root = scratch();
    mkdirSync(join(root, 'app'));
    const jar = zipSync({
      'META-INF/maven/com.example/good/pom.properties': pom('com.example', 'good', '1.0.0'),
      'META-INF/maven/com.example/bomb/pom.properties': new Uint8Array(2 * 1024 * 1024),
    });
    expect(jar.length).toBeLessThan(64 * 1024);
    writeFileSync(join(root, 'app/good-1.0.0.jar'), jar);
    const report = await scanRootfs(root, opts);
    expect(report.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['com.example:good@1.0.0']);
    expect(report.problems.map((p) => p.message)).toEqual([expect.stringMatching(/skipped META-INF\/maven\/com\.example\/bomb\/pom\.properties \(2097152 bytes uncompressed; possible zip bomb\)/)]);
  });

  it('archives nested deeper than 4 levels are not read, with a warning', async () => {
    let inner = zipSync({ 'META-INF/maven/com.example/deep/pom.properties': pom('com.example', 'deep', '6.0.0') });
    for (let level = 5; level >= 1; level--) {
      inner = zipSync({ [`lib/level${level}.jar`]: inner, [`META-INF/maven/com.example/l${level}/pom.properties`]: pom('com.example', `l${level}`, `${level}.0.0`) });
    }
    const root = scratch();
    writeFileSync(join(root, 'outer.war'), inner);
    const report = await scanRootfs(root, opts);
    expect(report.packages.map((p) => p.name).sort()).toEqual(['com.example:l1', 'com.example:l2', 'com.example:l3', 'com.example:l4', 'com.example:l5']);
    expect(report.problems.some((p) => /nested deeper than 4 levels/.test(p.message))).toBe(true);
  });

  it('a .jar that is not a zip is a warning naming it', async () => {
    const root = scratch();
    writeFileSync(join(root, 'broken.jar'), 'this is not a zip file at all');
    const report = await scanRootfs(root, opts);
    expect(report.packages).toEqual([]);
    expect(report.problems[0]).toMatchObject({ level: 'warning', input: expect.stringMatching(/broken\.jar$/) });
  });
});
