/**
 * Which version scheme each package type is compared with. One line per scheme.
 */
import type { PackageType } from '../../model/package.js';
import { apkScheme } from './apk.js';
import { composerScheme } from './composer.js';
import { dpkgScheme } from './dpkg.js';
import { mavenScheme } from './maven.js';
import { nugetScheme } from './nuget.js';
import { pep440Scheme } from './pep440.js';
import { rpmScheme } from './rpm.js';
import { rubygemsScheme } from './rubygems.js';
import type { VersionScheme } from './scheme.js';
import { cargoScheme, goScheme, npmScheme } from './semver-schemes.js';

export const SCHEME_BY_TYPE: Partial<Record<PackageType, VersionScheme>> = {
  deb: dpkgScheme,
  apk: apkScheme,
  rpm: rpmScheme,
  npm: npmScheme,
  pypi: pep440Scheme,
  maven: mavenScheme,
  gem: rubygemsScheme,
  golang: goScheme,
  composer: composerScheme,
  nuget: nugetScheme,
  cargo: cargoScheme,
  // Ecosystems with semver-like versions (Trivy compares these generically too).
  conan: cargoScheme,
  hex: cargoScheme,
  pub: cargoScheme,
  swift: cargoScheme,
  // Kubernetes components (KBOM input): semantic versions.
  k8s: cargoScheme,
  // CocoaPods requirements use RubyGems semantics (~>, pre-release letters).
  cocoapods: rubygemsScheme,
};

export const ALL_SCHEMES: readonly VersionScheme[] = [dpkgScheme, apkScheme, rpmScheme, npmScheme, pep440Scheme, mavenScheme, rubygemsScheme, goScheme, composerScheme, nugetScheme, cargoScheme];
