/** Pipfile.lock: `default` packages, and `develop` ones marked dev. */
import { langAnalyzer, type LangPkg, projectFile } from '../lang-package.js';

type Section = Record<string, { version?: string }>;

export function parsePipfileLock(content: Buffer): LangPkg[] {
  const lock = JSON.parse(content.toString('utf8')) as { default?: Section; develop?: Section };
  const out: LangPkg[] = [];
  const take = (section: Section | undefined, dev: boolean): void => {
    for (const [name, p] of Object.entries(section ?? {})) {
      const version = p.version?.replace(/^==/, '');
      if (version) out.push({ name, version, ...(dev ? { dev: true } : {}) });
    }
  };
  take(lock.default, false);
  take(lock.develop, true);
  return out;
}

export const pipfileLockAnalyzer = langAnalyzer({
  name: 'python-pipfile-lock',
  ecosystem: 'pypi',
  source: 'Pipfile.lock',
  modes: ['fs'],
  wants: projectFile('Pipfile.lock'),
  parse: parsePipfileLock,
});
