/**
 * pom.xml in project checkouts: the project itself (parent coordinates as fallback) and its
 * declared dependencies, versions resolved from `<properties>` and `<dependencyManagement>` of
 * the same file. Test-scoped dependencies count as development-only. Parent POMs and
 * transitive dependencies need a Maven repository and are not fetched (offline by design).
 */
import { XMLParser } from 'fast-xml-parser';
import { type LangPkg, langAnalyzer, pkgKey, projectFile } from '../lang-package.js';

interface PomDependency {
  groupId?: string;
  artifactId?: string;
  version?: string;
  scope?: string;
  optional?: string | boolean;
}

interface Pom {
  groupId?: string;
  artifactId?: string;
  version?: string;
  parent?: { groupId?: string; artifactId?: string; version?: string };
  properties?: Record<string, unknown>;
  dependencyManagement?: { dependencies?: { dependency?: PomDependency[] } };
  dependencies?: { dependency?: PomDependency[] };
}

const PROPERTY = /\$\{([^}]+)\}/g;

export function parsePom(content: Buffer): LangPkg[] {
  const xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false, isArray: (name) => name === 'dependency' }).parse(content.toString('utf8')) as { project?: Pom };
  const pom = xml.project;
  if (!pom) return [];
  const groupId = String(pom.groupId ?? pom.parent?.groupId ?? '');
  const version = String(pom.version ?? pom.parent?.version ?? '');
  const props = new Map<string, string>(Object.entries(pom.properties ?? {}).map(([k, v]) => [k, String(v)]));
  props.set('project.groupId', groupId);
  props.set('project.version', version);
  props.set('project.artifactId', String(pom.artifactId ?? ''));
  if (pom.parent?.version) props.set('project.parent.version', String(pom.parent.version));
  const resolve = (value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    let text = String(value).trim();
    for (let i = 0; i < 5 && text.includes('${'); i++) text = text.replace(PROPERTY, (whole, key: string) => props.get(key) ?? whole);
    return text.includes('${') || text === '' ? undefined : text;
  };
  const managed = new Map<string, string>();
  for (const d of pom.dependencyManagement?.dependencies?.dependency ?? []) {
    const v = resolve(d.version);
    if (d.groupId && d.artifactId && v) managed.set(`${resolve(d.groupId)}:${resolve(d.artifactId)}`, v);
  }
  const out: LangPkg[] = [];
  const deps: string[] = [];
  for (const d of pom.dependencies?.dependency ?? []) {
    const g = resolve(d.groupId);
    const a = resolve(d.artifactId);
    if (!g || !a) continue;
    const v = resolve(d.version) ?? managed.get(`${g}:${a}`);
    if (!v) continue; // managed by a parent POM we cannot read offline
    const name = `${g}:${a}`;
    deps.push(pkgKey(name, v));
    out.push({ name, version: v, relationship: 'direct', ...(d.scope === 'test' ? { dev: true } : {}) });
  }
  const self = resolve(version);
  const artifact = resolve(pom.artifactId);
  if (groupId && artifact && self) out.unshift({ name: `${resolve(groupId)}:${artifact}`, version: self, relationship: 'root', ...(deps.length ? { dependsOn: deps } : {}) });
  return out;
}

export const pomAnalyzer = langAnalyzer({ name: 'java-pom', ecosystem: 'maven', source: 'pom.xml', modes: ['fs'], wants: projectFile('pom.xml'), parse: parsePom });
