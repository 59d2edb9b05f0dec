/** gradle.lockfile: `group:artifact:version=configurations` lines. */
import { baseName } from '../../../util/paths.js';
import { langAnalyzer, outsideVendorTrees, type LangPkg } from '../lang-package.js';

export function parseGradleLock(content: Buffer): LangPkg[] {
  const out: LangPkg[] = [];
  content
    .toString('utf8')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || line.startsWith('empty=')) return;
      const coords = line.split('=')[0] ?? '';
      const [group, artifact, version] = coords.split(':');
      if (group && artifact && version) out.push({ name: `${group}:${artifact}`, version, line: i + 1 });
    });
  return out;
}

export const gradleLockAnalyzer = langAnalyzer({ name: 'java-gradle-lock', ecosystem: 'maven', source: 'gradle.lockfile', modes: ['fs'], wants: (p) => baseName(p).endsWith('gradle.lockfile') && outsideVendorTrees(p), parse: parseGradleLock });
