/** build.sbt.lock (sbt-dependency-lock): `dependencies[]` with org, name, version, configurations. */
import { langAnalyzer, type LangPkg, projectFile } from '../lang-package.js';

interface SbtDependency {
  org?: string;
  name?: string;
  version?: string;
  configurations?: string[];
}

export function parseSbtLock(content: Buffer): LangPkg[] {
  const json = JSON.parse(content.toString('utf8')) as { dependencies?: SbtDependency[] };
  return (json.dependencies ?? [])
    .filter((d) => d.org && d.name && d.version)
    .map((d) => {
      const testOnly = (d.configurations ?? []).length > 0 && (d.configurations ?? []).every((c) => c === 'test');
      return { name: `${d.org}:${d.name}`, version: d.version as string, ...(testOnly ? { dev: true } : {}) };
    });
}

export const sbtLockAnalyzer = langAnalyzer({ name: 'java-sbt-lock', ecosystem: 'maven', source: 'build.sbt.lock', modes: ['fs'], wants: projectFile('build.sbt.lock'), parse: parseSbtLock });
