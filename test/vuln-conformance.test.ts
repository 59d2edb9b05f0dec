/**
 * Acceptance for matching: the basic cases of Trivy's integration corpus
 * (../shared/data/conformance/trivy). The fixture advisories are loaded through a test-only
 * adapter; each case's vulnerable packages are matched and the findings compared on id,
 * package, installed and fixed version, status and severity.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdvisoryStore } from '../packages/core/src/vuln/db/store.js';
import { matchVulnerabilities } from '../packages/core/src/vuln/match/matcher.js';
import { applyPolicy } from '../packages/core/src/policy/suppression.js';
import { langPurl } from '../packages/core/src/analyze/lang/lang-package.js';
import type { LangPackageType, OsInfo, Package, PackageType } from '../packages/core/src/model/package.js';
import type { Severity } from '../packages/core/src/model/finding.js';
import { loadTrivyFixtures } from './helpers/trivy-fixture-db.js';
import { scanSbom } from '../packages/core/src/scan/scan-sbom.js';
import { DEFAULT_LIMITS } from '../packages/core/src/util/limits.js';

const CORPUS = resolve(import.meta.dirname, '../../shared/data/conformance/trivy');

interface CasePkg { name: string; src_name?: string; installed: string; type: string; target: string; purl?: string }
interface Expected { id: string; pkg: string; installed: string; fixed?: string; status: string; severity: string; target: string }
interface Case {
  kind: string;
  level: string;
  os?: { family: string; name: string };
  options: { ignoreUnfixed?: boolean; severities?: string[]; ignoreIds?: string[]; vulnSeveritySources?: string[] };
  packages_vulnerable?: CasePkg[];
  expected: Expected[];
}

/** Families whose matching rules Bulwark implements so far; others are reported as not yet covered. */
const OS_FAMILIES = new Set(['alpine', 'debian', 'ubuntu', 'cbl-mariner', 'alma', 'rocky', 'oracle', 'amazon', 'photon', 'opensuse-leap', 'opensuse-tumbleweed']);
const TYPE: Record<string, PackageType> = {
  alpine: 'apk', debian: 'deb', ubuntu: 'deb', 'cbl-mariner': 'rpm', alma: 'rpm', rocky: 'rpm', oracle: 'rpm', amazon: 'rpm', photon: 'rpm', 'opensuse-leap': 'rpm', 'opensuse-tumbleweed': 'rpm',
  npm: 'npm', yarn: 'npm', pnpm: 'npm', bun: 'npm', pip: 'pypi', pipenv: 'pypi', poetry: 'pypi', uv: 'pypi', pylock: 'pypi',
  composer: 'composer', 'composer-vendor': 'composer', nuget: 'nuget', 'dotnet-core': 'nuget', 'packages-props': 'nuget',
  conan: 'conan', hex: 'hex', pub: 'pub', swift: 'swift', cocoapods: 'cocoapods', gomod: 'golang', cargo: 'cargo', kubernetes: 'k8s',
  pom: 'maven', gradle: 'maven', sbt: 'maven', jar: 'maven', gemspec: 'gem', bundler: 'gem',
};

function osInfo(os: { family: string; name: string }): OsInfo {
  const family = os.family;
  const version = os.name;
  return { family, version, ...(['ubuntu', 'cbl-mariner', 'photon', 'opensuse-leap'].includes(family) ? { versionId: version } : {}), source: 'case' };
}

const cases = existsSync(join(CORPUS, 'cases'))
  ? readdirSync(join(CORPUS, 'cases'))
      .filter((f) => f !== 'index.json')
      .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(CORPUS, 'cases', f), 'utf8')) as Case] as const)
      .filter(([, c]) => c.level === 'basic' && (c.packages_vulnerable?.length ?? 0) > 0)
  : [];

const covered = cases.filter(([, c]) => (c.os ? OS_FAMILIES.has(c.os.family) : true) && (c.packages_vulnerable ?? []).every((p) => TYPE[p.type] !== undefined));

describe.skipIf(cases.length === 0)('Trivy conformance corpus: basic matching cases', () => {
  const store = AdvisoryStore.open(join(mkdtempSync(join(tmpdir(), 'bulwark-conf-')), 'fixtures.sqlite'));
  loadTrivyFixtures(join(CORPUS, 'advisories'), store);

  it('covers every basic case', () => {
    expect(covered.map(([name]) => name)).toEqual(cases.map(([name]) => name));
  });

  it('minikube-kbom end to end: the KBOM read back as an SBOM (Kubernetes components as pkg:k8s)', async () => {
    const report = await scanSbom(join(CORPUS, 'inputs/sbom/minikube-kbom.json'), { limits: DEFAULT_LIMITS, advisories: store });
    expect(report.os).toMatchObject({ family: 'ubuntu', version: '22.04.2' });
    expect(report.vulnerabilities?.map((v) => `${v.id} ${v.packageName}@${v.installedVersion} fixed=${v.fixedVersion ?? ''} ${v.severity}`)).toEqual(['CVE-2023-2431 k8s.io/kubelet@1.27.0 fixed=1.24.14, 1.25.9, 1.26.4, 1.27.1 LOW']);
  });

  it.each(covered)('%s', (_name, c) => {
    const os = c.os ? osInfo(c.os) : undefined;
    const got: string[] = [];
    const byTarget = new Map<string, CasePkg[]>();
    for (const p of c.packages_vulnerable ?? []) byTarget.set(p.target, [...(byTarget.get(p.target) ?? []), p]);
    for (const [target, pkgs] of byTarget) {
      const packages: Package[] = pkgs.map((p) => {
        const type = TYPE[p.type] as PackageType;
        const isOs = ['apk', 'deb', 'rpm'].includes(type);
        return { type, name: p.name, version: p.installed, ...(p.src_name ? { sourceName: p.src_name } : {}), licenses: [], purl: isOs ? (p.purl ?? `pkg:${type}/${p.name}@${p.installed}`) : langPurl(type as LangPackageType, p.name, p.installed), locations: [{ path: target }], files: [] };
      });
      const matched = matchVulnerabilities(packages, os, store, c.options.vulnSeveritySources ? { severitySources: c.options.vulnSeveritySources } : {});
      const filtered = applyPolicy(matched, { ignoreUnfixed: c.options.ignoreUnfixed === true, severities: (c.options.severities ?? []) as Severity[], ignoreRules: (c.options.ignoreIds ?? []).map((id) => ({ id })) });
      for (const f of filtered.findings) got.push(`${target} ${f.id} ${f.packageName}@${f.installedVersion} fixed=${f.fixedVersion ?? ''} ${f.status} ${f.severity}`);
    }
    const want = c.expected.map((e) => `${e.target} ${e.id} ${e.pkg}@${e.installed} fixed=${e.fixed ?? ''} ${e.status} ${e.severity}`);
    expect(got.sort()).toEqual(want.sort());
  });
});
