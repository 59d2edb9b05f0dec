import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseYarnLock, yarnPackages } from '../src/analyze/lang/npm/yarn-lock.js';
import { parsePnpmLock } from '../src/analyze/lang/npm/pnpm-lock.js';
import { parsePackageLock } from '../src/analyze/lang/npm/package-lock.js';
import { parseRequirements } from '../src/analyze/lang/python/requirements.js';
import { parseGoMod } from '../src/analyze/lang/go/go-mod.js';
import { parseAuditableBinary } from '../src/analyze/lang/rust/auditable.js';
import { parseGemfileLock } from '../src/analyze/lang/ruby/ruby.js';
import { langPurl } from '../src/analyze/lang/lang-package.js';

const b = (s: string): Buffer => Buffer.from(s);
const ids = (pkgs: { name: string; version: string }[]): string[] => pkgs.map((p) => `${p.name}@${p.version}`).sort();

describe('npm lockfiles', () => {
  it('yarn Berry: resolutions, workspace root skipped, dev-only packages from package.json', () => {
    const lock = `__metadata:\n  version: 6\n  cacheKey: 8\n\n"app@workspace:.":\n  version: 0.0.0-use.local\n  resolution: "app@workspace:."\n  dependencies:\n    lodash: ^4.17.21\n    jest: ^29.0.0\n  languageName: unknown\n  linkType: soft\n\n"lodash@npm:^4.17.21":\n  version: 4.17.21\n  resolution: "lodash@npm:4.17.21"\n  languageName: node\n  linkType: hard\n\n"jest@npm:^29.0.0":\n  version: 29.7.0\n  resolution: "jest@npm:29.7.0"\n  dependencies:\n    "@jest/core": "npm:^29.7.0"\n  languageName: node\n  linkType: hard\n\n"@jest/core@npm:^29.7.0":\n  version: 29.7.0\n  resolution: "@jest/core@npm:29.7.0"\n  languageName: node\n  linkType: hard\n`;
    const entries = parseYarnLock(lock);
    const pkgs = yarnPackages(entries, { name: 'app', version: '1.0.0', prod: ['lodash'], dev: ['jest'] });
    expect(ids(pkgs)).toEqual(['@jest/core@29.7.0', 'app@1.0.0', 'jest@29.7.0', 'lodash@4.17.21']);
    expect(pkgs.filter((p) => p.dev).map((p) => p.name).sort()).toEqual(['@jest/core', 'jest']);
    expect(pkgs.find((p) => p.name === 'lodash')?.relationship).toBe('direct');
    expect(pkgs.find((p) => p.name === '@jest/core')?.relationship).toBe('indirect');
  });

  it('pnpm v9: packages + snapshots + importers, peer suffixes dropped', () => {
    const lock = `lockfileVersion: '9.0'\n\nimporters:\n  .:\n    dependencies:\n      react-dom:\n        specifier: ^18.2.0\n        version: 18.2.0(react@18.2.0)\n    devDependencies:\n      vitest:\n        specifier: ^1.0.0\n        version: 1.6.0\n\npackages:\n  react-dom@18.2.0:\n    resolution: {integrity: sha512-x}\n  react@18.2.0:\n    resolution: {integrity: sha512-y}\n  vitest@1.6.0:\n    resolution: {integrity: sha512-z}\n\nsnapshots:\n  react-dom@18.2.0(react@18.2.0):\n    dependencies:\n      react: 18.2.0\n  react@18.2.0: {}\n  vitest@1.6.0: {}\n`;
    const pkgs = parsePnpmLock(b(lock));
    expect(ids(pkgs)).toEqual(['react-dom@18.2.0', 'react@18.2.0', 'vitest@1.6.0']);
    expect(pkgs.find((p) => p.name === 'vitest')).toMatchObject({ dev: true, relationship: 'direct' });
    expect(pkgs.find((p) => p.name === 'react')).toMatchObject({ relationship: 'indirect' });
    expect(pkgs.find((p) => p.name === 'react')?.dev).toBeUndefined();
  });

  it('pnpm v5 keys (/name/version)', () => {
    const lock = `lockfileVersion: 5.4\n\ndependencies:\n  '@babel/core': 7.20.0\n\npackages:\n\n  /@babel/core/7.20.0:\n    resolution: {integrity: sha512-a}\n    dev: false\n`;
    expect(ids(parsePnpmLock(b(lock)))).toEqual(['@babel/core@7.20.0']);
  });

  it('package-lock v3: nested node_modules resolve to the nearest copy; scoped names', () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', dependencies: { a: '^1', '@s/b': '^2' } },
        'node_modules/a': { version: '1.0.0', dependencies: { c: '^2' } },
        'node_modules/a/node_modules/c': { version: '2.0.0' },
        'node_modules/c': { version: '1.0.0', dev: true },
        'node_modules/@s/b': { version: '2.1.0', dependencies: { c: '^1' } },
      },
    };
    const pkgs = parsePackageLock(b(JSON.stringify(lock)));
    expect(ids(pkgs)).toEqual(['@s/b@2.1.0', 'a@1.0.0', 'c@1.0.0', 'c@2.0.0']);
    expect(pkgs.find((p) => p.name === 'a')?.dependsOn).toEqual(['c@2.0.0']);
    expect(pkgs.find((p) => p.name === '@s/b')?.dependsOn).toEqual(['c@1.0.0']);
    expect(langPurl('npm', '@s/b', '2.1.0')).toBe('pkg:npm/%40s/b@2.1.0');
  });
});

describe('other formats', () => {
  it('requirements.txt: pinned lines only, extras/markers/hashes/comments stripped', () => {
    const text = 'Flask[async]==2.0.0 ; python_version >= "3.7"  # web\nrequests>=2.0\n-r other.txt\n-e git+https://x/y.git#egg=y\nnumpy===1.26.4 \\\n    --hash=sha256:abc\n';
    expect(ids(parseRequirements(b(text)))).toEqual(['Flask@2.0.0', 'numpy@1.26.4']);
    expect(langPurl('pypi', 'Flask_Login', '0.6.3')).toBe('pkg:pypi/flask-login@0.6.3');
  });

  it('go.mod: replace directives, local replacements dropped, indirect marks', () => {
    const mod = 'module x\n\ngo 1.21\n\nrequire (\n\tgithub.com/a/b v1.0.0\n\tgithub.com/c/d v1.2.0 // indirect\n\tgithub.com/e/f v0.1.0\n)\n\nreplace github.com/a/b => github.com/fork/b v1.0.1\nreplace github.com/e/f => ../local/f\n';
    const pkgs = parseGoMod(b(mod));
    expect(pkgs.map((p) => `${p.name}@${p.version}:${p.relationship}`)).toEqual(['github.com/fork/b@v1.0.1:direct', 'github.com/c/d@v1.2.0:indirect']);
  });

  it('Gemfile.lock: platform suffix dropped, DEPENDENCIES give direct gems', () => {
    const lock = 'GEM\n  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.15.4-x86_64-linux)\n      racc (~> 1.4)\n    racc (1.7.1)\n\nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  nokogiri\n\nBUNDLED WITH\n   2.4.10\n';
    const pkgs = parseGemfileLock(b(lock));
    expect(pkgs.map((p) => `${p.name}@${p.version}:${p.relationship}`)).toEqual(['nokogiri@1.15.4:direct', 'racc@1.7.1:indirect']);
    expect(pkgs[0]?.dependsOn).toEqual(['racc@1.7.1']);
  });
});

describe('cargo-auditable', () => {
  const objcopy = spawnSync('sh', ['-c', 'command -v objcopy']).status === 0;
  it.skipIf(!objcopy)('reads the .dep-v0 section of a real ELF binary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-auditable-'));
    const audit = { packages: [
      { name: 'myapp', version: '0.1.0', source: 'local', root: true, dependencies: [1] },
      { name: 'serde', version: '1.0.188', source: 'crates.io', dependencies: [] },
      { name: 'cc', version: '1.0.83', source: 'crates.io', kind: 'build' },
    ] };
    writeFileSync(join(dir, 'dep-v0'), deflateSync(JSON.stringify(audit)));
    copyFileSync('/bin/true', join(dir, 'app'));
    execFileSync('objcopy', ['--add-section', `.dep-v0=${join(dir, 'dep-v0')}`, join(dir, 'app'), join(dir, 'app-audited')]);
    const pkgs = parseAuditableBinary(readFileSync(join(dir, 'app-audited')));
    expect(pkgs.map((p) => `${p.name}@${p.version}`)).toEqual(['myapp@0.1.0', 'serde@1.0.188']);
    expect(pkgs[0]).toMatchObject({ relationship: 'root', dependsOn: ['serde@1.0.188'] });
    expect(parseAuditableBinary(readFileSync('/bin/true'))).toEqual([]);
  });
});
