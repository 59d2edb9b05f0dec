import { describe, expect, it } from 'vitest';
import { detectOs } from '../src/analyze/os/detect-os.js';
import { parseKeyValues } from '../src/analyze/os/os-release.js';

const kv = (text: string) => ({ fields: parseKeyValues(text) });
const line = (text: string) => ({ fields: { text } });

describe('detectOs', () => {
  it.each([
    ['alpine-release wins for the point release', { 'etc/alpine-release': line('3.10.1'), 'etc/os-release': kv('ID=alpine\nVERSION_ID=3.10.1') }, { family: 'alpine', version: '3.10.1' }],
    ['debian_version gives the point release', { 'etc/debian_version': line('10.1'), 'etc/os-release': kv('ID=debian\nVERSION_ID="10"') }, { family: 'debian', version: '10.1' }],
    ['debian from os-release alone', { 'etc/os-release': kv('ID=debian\nVERSION_ID="10"') }, { family: 'debian', version: '10' }],
    ['ubuntu ships a debian_version too', { 'etc/debian_version': line('bookworm/sid'), 'etc/os-release': kv('ID=ubuntu\nVERSION_ID="24.04"') }, { family: 'ubuntu', version: '24.04' }],
    ['testing falls back to VERSION_ID or the codename text', { 'etc/debian_version': line('trixie/sid'), 'etc/os-release': kv('ID=debian') }, { family: 'debian', version: 'trixie/sid' }],
    ['centos-release', { 'etc/centos-release': line('CentOS Linux release 7.9.2009 (Core)'), 'etc/os-release': kv('ID="centos"\nVERSION_ID="7"') }, { family: 'centos', version: '7.9.2009' }],
    ['rocky', { 'etc/rocky-release': line('Rocky Linux release 9.0 (Blue Onyx)'), 'etc/redhat-release': line('Rocky Linux release 9.0 (Blue Onyx)'), 'etc/os-release': kv('ID="rocky"\nVERSION_ID="9.0"') }, { family: 'rocky', version: '9.0' }],
    ['rhel', { 'etc/redhat-release': line('Red Hat Enterprise Linux release 8.6 (Ootpa)'), 'etc/os-release': kv('ID="rhel"\nVERSION_ID="8.6"') }, { family: 'redhat', version: '8.6' }],
    ['amazon', { 'etc/system-release': line('Amazon Linux release 2 (Karoo)'), 'etc/os-release': kv('ID="amzn"\nVERSION_ID="2"') }, { family: 'amazon', version: '2' }],
    ['mariner-release carries the build', { 'etc/mariner-release': line('CBL-Mariner 2.0.20220226'), 'etc/os-release': kv('ID=mariner\nVERSION_ID="2.0"') }, { family: 'cbl-mariner', version: '2.0.20220226', versionId: '2.0' }],
    ['mariner via os-release', { 'etc/os-release': kv('ID=mariner\nVERSION_ID="2.0"') }, { family: 'cbl-mariner', version: '2.0' }],
  ])('%s', (_name, files, want) => {
    expect(detectOs(new Map(Object.entries(files)))).toMatchObject(want);
  });

  it('marks distroless', () => {
    const os = detectOs(new Map([['etc/debian_version', line('12.5')], ['etc/os-release', kv('PRETTY_NAME="Distroless"\nID=debian\nVERSION_ID="12"')]]));
    expect(os).toMatchObject({ family: 'debian', version: '12.5', distroless: true });
  });

  it('returns undefined without release files', () => {
    expect(detectOs(new Map())).toBeUndefined();
  });
});
