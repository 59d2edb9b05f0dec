/**
 * Decides the operating system from the merged release files, preferring the most precise
 * source for each family: alpine-release and debian_version carry point releases that
 * os-release lacks; Ubuntu ships a debian_version too, so os-release/lsb-release identify it.
 */
import type { OsInfo } from '../../model/package.js';
import type { OsReleaseData } from '../analyzer.js';

const RH_FILES: [string, string][] = [
  ['etc/centos-release', 'centos'],
  ['etc/rocky-release', 'rocky'],
  ['etc/almalinux-release', 'almalinux'],
  ['etc/oracle-release', 'oracle'],
  ['etc/fedora-release', 'fedora'],
  ['etc/redhat-release', 'redhat'],
];

/** Map os-release IDs to the family names advisories use. */
const FAMILY_BY_ID: Record<string, string> = {
  rhel: 'redhat',
  ol: 'oracle',
  amzn: 'amazon',
  'opensuse-leap': 'opensuse-leap',
  'opensuse-tumbleweed': 'opensuse-tumbleweed',
  sles: 'sles',
  mariner: 'cbl-mariner',
  azurelinux: 'azurelinux',
};

function releaseNumber(text: string): string | undefined {
  return /release\s+([0-9][0-9A-Za-z.]*)/i.exec(text)?.[1];
}

export function detectOs(files: ReadonlyMap<string, OsReleaseData>): OsInfo | undefined {
  const osRelease = files.get('etc/os-release')?.fields ?? files.get('usr/lib/os-release')?.fields;
  const osReleaseSource = files.has('etc/os-release') ? 'etc/os-release' : 'usr/lib/os-release';
  const lsb = files.get('etc/lsb-release')?.fields;
  const id = osRelease?.ID?.toLowerCase();
  const base = (family: string, version: string, source: string): OsInfo => {
    const info: OsInfo = { family, version, source };
    if (osRelease?.VERSION_ID) info.versionId = osRelease.VERSION_ID;
    if (osRelease?.PRETTY_NAME) info.prettyName = osRelease.PRETTY_NAME;
    if (osRelease?.VERSION_CODENAME) info.codename = osRelease.VERSION_CODENAME;
    if (osRelease?.PRETTY_NAME?.toLowerCase().includes('distroless')) info.distroless = true;
    return info;
  };

  const alpine = files.get('etc/alpine-release')?.fields.text;
  if (alpine && (!id || id === 'alpine')) return base('alpine', alpine, 'etc/alpine-release');

  if (id === 'ubuntu' || lsb?.DISTRIB_ID?.toLowerCase() === 'ubuntu') {
    const version = osRelease?.VERSION_ID ?? lsb?.DISTRIB_RELEASE;
    if (version) return base('ubuntu', version, osRelease?.VERSION_ID ? osReleaseSource : 'etc/lsb-release');
  }

  const debianVersion = files.get('etc/debian_version')?.fields.text;
  if (debianVersion && (!id || id === 'debian')) {
    // Testing/unstable write "trixie/sid": the os-release VERSION_ID (if any) or codename is clearer.
    const numeric = /^\d+(\.\d+)*$/.test(debianVersion);
    return base('debian', numeric ? debianVersion : osRelease?.VERSION_ID ?? debianVersion, 'etc/debian_version');
  }

  for (const [path, family] of RH_FILES) {
    const text = files.get(path)?.fields.text;
    if (!text) continue;
    const version = releaseNumber(text) ?? osRelease?.VERSION_ID;
    if (!version) continue;
    const fam = id && id !== 'rhel' && RH_FILES.some(([, f]) => f === id) ? id : id === 'rhel' ? 'redhat' : family;
    return base(fam, version, path);
  }

  for (const [path, family] of [['etc/azurelinux-release', 'azurelinux'], ['etc/mariner-release', 'cbl-mariner']] as const) {
    const text = files.get(path)?.fields.text;
    const version = text ? /(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1] : undefined;
    if (version) return base(family, version, path);
  }

  const system = files.get('etc/system-release')?.fields.text;
  if (system?.toLowerCase().startsWith('amazon linux')) {
    const version = /Amazon Linux (?:release )?(\S+)/i.exec(system)?.[1] ?? osRelease?.VERSION_ID ?? 'unknown';
    return base('amazon', version, 'etc/system-release');
  }

  if (id && osRelease) {
    const version = osRelease.VERSION_ID ?? osRelease.BUILD_ID ?? osRelease.VERSION ?? '';
    return base(FAMILY_BY_ID[id] ?? id, version, osReleaseSource);
  }
  return undefined;
}
