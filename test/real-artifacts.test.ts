/**
 * Language inventory on artifacts made for real on this machine: a Go binary built with
 * Debian's golang-go, jars from Debian's liblog4j2-java, Python metadata from Debian's
 * python3-requests (dpkg-owned, so reported once, as the deb), and node_modules installed
 * from the npm registry (checked against `npm ls`). `.ci/run` installs the Debian packages;
 * each test skips with its reason when its tool is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, scanFs, scanRootfs, type ScanReport } from '../packages/core/src/index.js';

const opts = { limits: DEFAULT_LIMITS };
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const lang = (r: ScanReport): string[] => r.packages.filter((p) => !['deb', 'apk', 'rpm'].includes(p.type)).map((p) => `${p.name}@${p.version}`).sort();
const scratch = (): string => mkdtempSync(join(tmpdir(), 'bulwark-real-'));

/** A minimal Debian rootfs: os-release plus the real dpkg status stanza and file list of `pkg`. */
function debianRoot(pkgs: string[]): string {
  const root = scratch();
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\n');
  writeFileSync(join(root, 'etc/debian_version'), '12.5\n');
  mkdirSync(join(root, 'var/lib/dpkg/info'), { recursive: true });
  const status = pkgs.map((p) => execFileSync('dpkg', ['-s', p], { encoding: 'utf8' })).join('\n');
  writeFileSync(join(root, 'var/lib/dpkg/status'), status);
  for (const p of pkgs) writeFileSync(join(root, `var/lib/dpkg/info/${p}.list`), execFileSync('dpkg', ['-L', p], { encoding: 'utf8' }));
  return root;
}

function copyInto(root: string, hostPath: string): void {
  const dest = join(root, hostPath);
  mkdirSync(dirname(dest), { recursive: true });
  cpSync(hostPath, dest, { recursive: true, dereference: true });
}

describe('Go binary built with Debian golang-go', () => {
  const xtext = '/usr/share/gocode/src/golang.org/x/text';
  it.skipIf(!has('go') || !existsSync(xtext))('buildinfo: dependency, stdlib version (checked against `go version -m`)', async () => {
    const work = scratch();
    writeFileSync(join(work, 'go.mod'), 'module example.com/bulwark/withdep\n\ngo 1.19\n\nrequire golang.org/x/text v0.3.7\n');
    writeFileSync(join(work, 'main.go'), 'package main\n\nimport (\n\t"fmt"\n\n\t"golang.org/x/text/width"\n)\n\nfunc main() { fmt.Println(width.Widen.String("bulwark")) }\n');
    mkdirSync(join(work, 'vendor/golang.org/x'), { recursive: true });
    cpSync(xtext, join(work, 'vendor/golang.org/x/text'), { recursive: true, dereference: true });
    writeFileSync(join(work, 'vendor/modules.txt'), '# golang.org/x/text v0.3.7\n## explicit\ngolang.org/x/text/transform\ngolang.org/x/text/width\n');
    const root = scratch();
    mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
    const bin = join(root, 'usr/local/bin/withdep');
    execFileSync('go', ['build', '-o', bin, '.'], { cwd: work, env: { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=vendor', GOCACHE: join(work, '.gocache'), HOME: work } });
    chmodSync(bin, 0o755);
    const truth = execFileSync('go', ['version', '-m', bin], { encoding: 'utf8' });
    const goVersion = /^\S+: go(\S+)/.exec(truth)?.[1];
    const report = await scanRootfs(root, opts);
    expect(lang(report)).toEqual([`golang.org/x/text@v0.3.7`, `stdlib@v${goVersion}`].sort());
    expect(truth).toMatch(/dep\s+golang\.org\/x\/text\s+v0\.3\.7/);
    // Not a Go binary: an executable shell script and a random ELF-looking file are ignored.
    writeFileSync(join(root, 'usr/local/bin/script'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    writeFileSync(join(root, 'usr/local/bin/fake'), Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]), Buffer.alloc(200, 0xff)]), { mode: 0o755 });
    const again = await scanRootfs(root, opts);
    expect(lang(again)).toEqual(lang(report));
  }, 120_000);
});

describe("jars from Debian's liblog4j2-java", () => {
  const jars = ['/usr/share/java/log4j-api-2.19.0.jar', '/usr/share/java/log4j-core-2.19.0.jar'];
  it.skipIf(!jars.every((j) => existsSync(j)))('Maven coordinates from pom.properties; dpkg-owned jars reported once', async () => {
    const loose = scratch();
    for (const j of jars) copyInto(loose, j);
    const report = await scanRootfs(loose, opts);
    expect(lang(report)).toEqual(['org.apache.logging.log4j:log4j-api@2.19.0', 'org.apache.logging.log4j:log4j-core@2.19.0']);
    expect(report.packages[0]?.purl).toBe('pkg:maven/org.apache.logging.log4j/log4j-api@2.19.0');
    const owned = debianRoot(['liblog4j2-java']);
    for (const j of jars) copyInto(owned, j);
    const deb = await scanRootfs(owned, opts);
    expect(lang(deb)).toEqual([]);
    expect(deb.packages.map((p) => p.name)).toEqual(['liblog4j2-java']);
  });
});

describe("Python metadata from Debian's python3-requests", () => {
  const eggInfo = '/usr/lib/python3/dist-packages/requests-2.28.1.egg-info';
  it.skipIf(!existsSync(eggInfo))('egg-info read; dpkg-owned metadata reported once, as the deb', async () => {
    const loose = scratch();
    copyInto(loose, eggInfo);
    expect(lang(await scanRootfs(loose, opts))).toEqual(['requests@2.28.1']);
    const owned = debianRoot(['python3-requests']);
    copyInto(owned, eggInfo);
    const deb = await scanRootfs(owned, opts);
    expect(lang(deb)).toEqual([]);
    expect(deb.packages.map((p) => `${p.type}:${p.name}`)).toEqual(['deb:python3-requests']);
  });
});

describe('node_modules installed from the npm registry', () => {
  it('every installed package, as `npm ls --all` lists them', async () => {
    const project = scratch();
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'bulwark-real-npm', version: '1.0.0', private: true }));
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--save-exact', 'lodash@4.17.15', 'minimist@1.2.0', 'express@4.16.0'], { cwd: project, encoding: 'utf8', timeout: 120_000 });
    if (install.status !== 0) {
      console.warn(`skipped: npm install failed (registry unreachable?): ${install.stderr.slice(0, 200)}`);
      return;
    }
    const tree = JSON.parse(execFileSync('npm', ['ls', '--all', '--json'], { cwd: project, encoding: 'utf8' })) as NpmNode;
    const truth = new Set<string>();
    const walk = (n: NpmNode): void => {
      for (const [name, dep] of Object.entries(n.dependencies ?? {})) {
        if (dep.version) truth.add(`${name}@${dep.version}`);
        walk(dep);
      }
    };
    walk(tree);
    expect(truth.size).toBeGreaterThan(40);
    const rootfs = await scanRootfs(project, opts);
    expect(lang(rootfs).filter((p) => !p.startsWith('bulwark-real-npm@'))).toEqual([...truth].sort());
    const fs = await scanFs(project, opts);
    expect(lang(fs)).toEqual([...truth].sort());
    const express = fs.packages.find((p) => p.name === 'express');
    expect(express).toMatchObject({ relationship: 'direct', source: 'package-lock.json' });
    expect(express?.dependsOn).toContain('pkg:npm/body-parser@1.18.2');
    expect(express?.locations.map((l) => l.path).sort()).toEqual(['/node_modules/express/package.json', '/package-lock.json']);
  }, 180_000);
});

interface NpmNode {
  version?: string;
  dependencies?: Record<string, NpmNode>;
}

