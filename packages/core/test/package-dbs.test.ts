import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseApkInstalled } from '../src/analyze/pkg/apk.js';
import { dpkgAnalyzer, splitEpoch, type DpkgData } from '../src/analyze/pkg/dpkg.js';
import { parseSourceRpm, rpmAnalyzer, type RpmDbData } from '../src/analyze/pkg/rpm/rpm.js';
import { readRpmDbBlobs } from '../src/analyze/pkg/rpm/rpmdb.js';

const FIX = resolve(import.meta.dirname, '../../../test/fixtures');
const SHARED = resolve(import.meta.dirname, '../../../../shared/data/pkgdb/rpm');

describe('dpkg', () => {
  const status = `Package: libc6
Status: install ok installed
Architecture: amd64
Source: glibc
Version: 2.28-10
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Description: GNU C Library
 multi-line description

Package: bsdutils
Status: install ok installed
Architecture: amd64
Source: util-linux (2.33.1-0.1)
Version: 1:2.33.1-0.1

Package: removed-pkg
Status: deinstall ok config-files
Version: 1.0
`;
  it('parses installed packages, sources and epochs; skips config-files leftovers', () => {
    const data = dpkgAnalyzer.analyze({ path: 'var/lib/dpkg/status', content: Buffer.from(status), describe: 't' }) as DpkgData;
    expect(data).toEqual({
      kind: 'status',
      packages: [
        { name: 'libc6', version: '2.28-10', arch: 'amd64', source: 'glibc', maintainer: 'GNU Libc Maintainers <debian-glibc@lists.debian.org>' },
        { name: 'bsdutils', version: '1:2.33.1-0.1', arch: 'amd64', source: 'util-linux', sourceVersion: '2.33.1-0.1' },
      ],
    });
  });

  it('splits epochs', () => {
    expect(splitEpoch('1:2.33.1-0.1')).toEqual({ epoch: 1, version: '2.33.1-0.1' });
    expect(splitEpoch('0:1.0')).toEqual({ version: '1.0' });
    expect(splitEpoch('2.28-10')).toEqual({ version: '2.28-10' });
  });

  it('wants only the dpkg paths', () => {
    expect(dpkgAnalyzer.wants('var/lib/dpkg/status')).toBe(true);
    expect(dpkgAnalyzer.wants('var/lib/dpkg/status.d/base')).toBe(true);
    expect(dpkgAnalyzer.wants('var/lib/dpkg/info/libc6:amd64.list')).toBe(true);
    expect(dpkgAnalyzer.wants('usr/share/doc/libc6/copyright')).toBe(true);
    expect(dpkgAnalyzer.wants('usr/share/doc/libc6/examples/copyright')).toBe(false);
    expect(dpkgAnalyzer.wants('var/lib/dpkg/status-old')).toBe(false);
  });

  it('reads DEP-5 licences, and common-licenses references in free-form files', () => {
    const dep5 = 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-2+\n\nFiles: lib/*\nLicense: LGPL-2.1+\n';
    expect(dpkgAnalyzer.analyze({ path: 'usr/share/doc/x/copyright', content: Buffer.from(dep5), describe: 't' })).toEqual({ kind: 'copyright', package: 'x', licenses: ['GPL-2+', 'LGPL-2.1+'] });
    expect(dpkgAnalyzer.analyze({ path: 'usr/share/doc/x/copyright', content: Buffer.from('This is free software.'), describe: 't' })).toBeUndefined();
    const freeForm = "On Debian systems, the complete text of the GNU General Public License can be found in `/usr/share/common-licenses/GPL'.\nSee /usr/share/common-licenses/LGPL-2.1.";
    expect(dpkgAnalyzer.analyze({ path: 'usr/share/doc/x/copyright', content: Buffer.from(freeForm), describe: 't' })).toEqual({ kind: 'copyright', package: 'x', licenses: ['GPL-3', 'LGPL-2.1'] });
  });
});

describe('apk', () => {
  it('parses packages with origin, licence and F/R file lists', () => {
    const db = 'P:libcrypto1.1\nV:1.1.1c-r0\nA:x86_64\no:openssl\nL:OpenSSL\nF:lib\nR:libcrypto.so.1.1\nF:usr/lib\nR:a.so\nR:b.so\n\nP:zlib\nV:1.2.11-r1\n';
    expect(parseApkInstalled(db)).toEqual([
      { name: 'libcrypto1.1', version: '1.1.1c-r0', arch: 'x86_64', origin: 'openssl', license: 'OpenSSL', files: ['lib/libcrypto.so.1.1', 'usr/lib/a.so', 'usr/lib/b.so'] },
      { name: 'zlib', version: '1.2.11-r1', files: [] },
    ]);
  });
});

describe('rpm', () => {
  it('parses source rpm names', () => {
    expect(parseSourceRpm('util-linux-2.32.1-42.el8_8.src.rpm')).toEqual({ name: 'util-linux', version: '2.32.1', release: '42.el8_8' });
    expect(parseSourceRpm('nonsense.src.rpm')).toBeUndefined();
  });

  it('reads a Berkeley DB rpmdb (libuuid, CentOS)', async () => {
    const data = (await rpmAnalyzer.analyze({ path: 'var/lib/rpm/Packages', content: readFileSync(`${FIX}/rpm/libuuid-Packages`), describe: 't' })) as RpmDbData;
    expect(data.format).toBe('bdb');
    expect(data.packages).toHaveLength(1);
    expect(data.packages[0]).toMatchObject({ name: 'libuuid', version: '2.32.1', release: '42.el8_8', arch: 'x86_64', sourceRpm: 'util-linux-2.32.1-42.el8_8.src.rpm', license: 'BSD' });
    expect(data.packages[0]?.files).toContain('/usr/lib64/libuuid.so.1.3.0');
  });

  it.skipIf(!existsSync(SHARED))('reads SQLite (Mariner) and NDB (SLES) rpmdbs from shared/', async () => {
    const sqlite = (await rpmAnalyzer.analyze({ path: 'var/lib/rpm/rpmdb.sqlite', content: readFileSync(`${SHARED}/cbl-mariner-2.0/rpmdb.sqlite`), describe: 't' })) as RpmDbData;
    expect(sqlite.format).toBe('sqlite');
    expect(sqlite.packages).toHaveLength(129);
    expect(sqlite.packages.find((p) => p.name === 'ca-certificates-base')).toMatchObject({ epoch: 1, version: '2.0.0', release: '1.cm2' });
    const ndb = (await rpmAnalyzer.analyze({ path: 'usr/lib/sysimage/rpm/Packages.db', content: readFileSync(`${SHARED}/sle15-bci/Packages.db`), describe: 't' })) as RpmDbData;
    expect(ndb.format).toBe('ndb');
    expect(ndb.packages).toHaveLength(35);
  });

  it('rejects hostile databases with a typed error, not a hang or a huge allocation', () => {
    const bdb = Buffer.from(readFileSync(`${FIX}/rpm/libuuid-Packages`));
    bdb.writeUInt32LE(0xffffffff, 32); // last page number far past the end: clamped
    expect(() => readRpmDbBlobs(bdb)).not.toThrow();
    const ndb = Buffer.alloc(64);
    ndb.writeUInt32LE(0x506d7052, 0);
    ndb.writeUInt32LE(2048, 12);
    expect(() => readRpmDbBlobs(ndb)).toThrow(/does not fit the file/);
    expect(() => readRpmDbBlobs(Buffer.from('not a database at all, just text padding............................'))).toThrow(/not an rpm database/);
  });
});

describe('licence names', async () => {
  const { normalizeLicenseField } = await import('../src/analyze/pkg/license-names.js');
  it.each([
    ['GPL-2+', {}, ['GPL-2.0-or-later']],
    ['GPLv2+ and LGPLv2+ and BSD', {}, ['GPL-2.0-or-later', 'LGPL-2.0-or-later', 'BSD']],
    ['GPL-2+ or Artistic', {}, ['GPL-2.0-or-later OR Artistic-1.0-Perl']],
    ['MIT AND BSD-3-Clause', {}, ['MIT AND BSD-3-Clause']],
    ['MIT BSD GPL2+', { spaceSeparated: true }, ['MIT', 'BSD', 'GPL-2.0-or-later']],
    ['GPL-3+ with Bison exception', {}, ['GPL-3+ with Bison exception']],
    ['public-domain', {}, ['public-domain']],
    ['Expat', {}, ['MIT']],
  ])('%s', (field, opts, want) => {
    expect(normalizeLicenseField(field, opts)).toEqual(want);
  });
});

describe('licence names: conjunction leftovers', async () => {
  const { normalizeLicenseField } = await import('../src/analyze/pkg/license-names.js');
  it('drops a leading conjunction left by comma splitting', () => {
    expect(normalizeLicenseField('Artistic or GPL-1+, and Expat')).toEqual(['Artistic-1.0-Perl OR GPL-1.0-or-later', 'MIT']);
    expect(normalizeLicenseField('LGPL-2.1')).toEqual(['LGPL-2.1-only']);
  });
});
