/**
 * The language analyzer table: one line per file format. Lockfile formats run only in `fs`
 * mode (a project checkout); installed artifacts run in every mode (as Trivy splits them).
 */
import type { PackageAnalyzer } from '../analyzer.js';
import { composerInstalledAnalyzer, composerLockAnalyzer } from './php/composer.js';
import { depsJsonAnalyzer, packagesLockAnalyzer, packagesPropsAnalyzer } from './dotnet/dotnet.js';
import { gemfileLockAnalyzer, gemspecAnalyzer } from './ruby/ruby.js';
import { goBinaryAnalyzer } from './go/buildinfo.js';
import { goModAnalyzer } from './go/go-mod.js';
import { gradleLockAnalyzer } from './java/gradle-lock.js';
import { jarAnalyzer } from './java/jar.js';
import { pomAnalyzer } from './java/pom.js';
import { sbtLockAnalyzer } from './java/sbt-lock.js';
import { bunLockAnalyzer } from './npm/bun-lock.js';
import { installedPackageJsonAnalyzer, nodeModulesAnalyzer } from './npm/node-modules.js';
import { packageLockAnalyzer } from './npm/package-lock.js';
import { pnpmLockAnalyzer } from './npm/pnpm-lock.js';
import { yarnLockAnalyzer } from './npm/yarn-lock.js';
import { conanLockAnalyzer, mixLockAnalyzer, podfileLockAnalyzer, pubspecLockAnalyzer, swiftResolvedAnalyzer } from './other/other-locks.js';
import { distInfoAnalyzer } from './python/dist-info.js';
import { pipfileLockAnalyzer } from './python/pipfile-lock.js';
import { requirementsAnalyzer } from './python/requirements.js';
import { poetryLockAnalyzer, pylockAnalyzer, uvLockAnalyzer } from './python/toml-locks.js';
import { rustBinaryAnalyzer } from './rust/auditable.js';
import { cargoLockAnalyzer } from './rust/cargo-lock.js';

export const LANG_ANALYZERS: readonly PackageAnalyzer[] = [
  installedPackageJsonAnalyzer,
  nodeModulesAnalyzer,
  packageLockAnalyzer,
  yarnLockAnalyzer as PackageAnalyzer,
  pnpmLockAnalyzer,
  bunLockAnalyzer,
  distInfoAnalyzer,
  requirementsAnalyzer,
  pipfileLockAnalyzer,
  poetryLockAnalyzer as PackageAnalyzer,
  uvLockAnalyzer,
  pylockAnalyzer,
  goModAnalyzer as PackageAnalyzer,
  goBinaryAnalyzer,
  gradleLockAnalyzer,
  jarAnalyzer,
  pomAnalyzer,
  sbtLockAnalyzer,
  gemspecAnalyzer,
  gemfileLockAnalyzer,
  cargoLockAnalyzer as PackageAnalyzer,
  rustBinaryAnalyzer,
  composerLockAnalyzer as PackageAnalyzer,
  composerInstalledAnalyzer,
  depsJsonAnalyzer,
  packagesLockAnalyzer,
  packagesPropsAnalyzer,
  conanLockAnalyzer,
  mixLockAnalyzer,
  pubspecLockAnalyzer,
  swiftResolvedAnalyzer,
  podfileLockAnalyzer,
] as PackageAnalyzer[];

/** Sources that describe what is installed (no opinion on dev-ness) rather than a lock. */
export const INSTALLED_SOURCES = new Set(['node_modules', 'python-pkg', 'gemspec', 'composer-vendor', 'dotnet-core', 'jar', 'gobinary', 'rustbinary']);
