/**
 * Inventory types: the operating system and the packages found in an artifact, each with
 * the layer that introduced it. Pure data, no I/O; shared by analyzers, detectors and reporters.
 */

/** Where something was found: the layer (for images) and the path inside the filesystem. */
export interface LayerRef {
  /** 0-based position in the image's layer list. */
  index: number;
  /** sha256 of the uncompressed layer tar, as computed while reading it. */
  diffId: string;
  /** Digest of the blob as stored (compressed), when the format names one. */
  digest?: string;
}

export interface Location {
  path: string;
  layer?: LayerRef;
  /** 1-based line in the file, where the parser knows it cheaply. */
  line?: number;
}

export interface OsInfo {
  /** Lower-case distribution id: alpine, debian, ubuntu, rhel, centos, rocky, almalinux, fedora, ... */
  family: string;
  /** Version as the most precise release file states it (debian_version 10.1, alpine-release 3.10.1). */
  version: string;
  /** os-release VERSION_ID where present (used for purl `distro=` qualifiers). */
  versionId?: string;
  prettyName?: string;
  codename?: string;
  /** Google distroless and similar images: dpkg status.d/ without a package manager. */
  distroless?: boolean;
  /** The release file the answer came from. */
  source: string;
}

export type OsPackageType = 'deb' | 'apk' | 'rpm';
/** Language ecosystems, named by their purl type. */
export type LangPackageType = 'npm' | 'pypi' | 'golang' | 'maven' | 'gem' | 'cargo' | 'composer' | 'nuget' | 'conan' | 'hex' | 'pub' | 'swift' | 'cocoapods' | 'k8s';
export type PackageType = OsPackageType | LangPackageType;

export type Relationship = 'root' | 'direct' | 'indirect';

export interface Package {
  type: PackageType;
  name: string;
  /** Full version as the package manager prints it: `[epoch:]version[-release]`. */
  version: string;
  epoch?: number;
  arch?: string;
  /** Source package (dpkg Source, apk origin, rpm source rpm name). */
  sourceName?: string;
  sourceVersion?: string;
  sourceEpoch?: number;
  licenses: string[];
  maintainer?: string;
  purl: string;
  /** The layer that introduced this package at this version (images only). */
  layer?: LayerRef;
  /** The package database it was read from. */
  locations: Location[];
  /** Files the package manager says this package owns (absolute paths inside the image). */
  files: string[];
  /** RPM modularity label, apk checksum and similar extras. */
  extra?: Record<string, string>;
  /** Language packages: the file format it was read from (package-lock.json, jar, gobinary…). */
  source?: string;
  /** Language packages: root project, direct or transitive dependency, where the file says. */
  relationship?: Relationship;
  /** Language packages: a development-only dependency. */
  dev?: boolean;
  /** purls of the packages this one depends on, where the file says. */
  dependsOn?: string[];
}
