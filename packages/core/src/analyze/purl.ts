/**
 * Package URLs for OS packages, built with packageurl-js so encoding and qualifier order are
 * canonical. Epochs go in an `epoch` qualifier (not the version), as for rpm in the purl spec;
 * `distro` names the release so the same name@version from two distros never collide;
 * '+' is percent-encoded as other scanners do, so SBOMs round-trip between tools.
 */
import { PackageURL } from 'packageurl-js';
import type { OsInfo, OsPackageType } from '../model/package.js';

export function distroQualifier(os: OsInfo | undefined): string | undefined {
  if (!os) return undefined;
  if (os.family === 'debian') {
    // Debian advisories are per major release: debian-10, not debian-10.1.
    const major = (os.versionId ?? os.version).split('.')[0];
    return major ? `debian-${major}` : undefined;
  }
  const version = os.family === 'alpine' ? os.version : os.versionId ?? os.version;
  return version ? `${os.family}-${version}` : os.family;
}

/** purl namespace: the vendor (debian, ubuntu, alpine, redhat, rocky, ...). */
export function purlNamespace(type: OsPackageType, os: OsInfo | undefined): string {
  if (os) return os.family;
  return type === 'deb' ? 'debian' : type === 'apk' ? 'alpine' : 'redhat';
}

export interface PurlParts {
  type: OsPackageType;
  name: string;
  /** Version without the epoch. */
  version: string;
  epoch?: number;
  arch?: string;
  upstream?: string;
  os: OsInfo | undefined;
}

export function osPackagePurl(parts: PurlParts): string {
  const qualifiers: Record<string, string> = {};
  if (parts.arch) qualifiers.arch = parts.arch;
  const distro = distroQualifier(parts.os);
  if (distro) qualifiers.distro = distro;
  if (parts.epoch) qualifiers.epoch = String(parts.epoch);
  if (parts.upstream) qualifiers.upstream = parts.upstream;
  // packageurl-js leaves '+' bare; Trivy, Syft and the purl test suite encode it (libstdc%2B%2B6,
  // 2.36-9%2Bdeb12u4). '+' is never a purl separator, so encoding every one is safe.
  return new PackageURL(parts.type, purlNamespace(parts.type, parts.os), parts.name, parts.version, qualifiers, undefined).toString().replaceAll('+', '%2B');
}
