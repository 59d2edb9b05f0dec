/**
 * Which files a `--rules` argument means: a file as given; a CRS-style directory as its setup
 * file (`crs-setup.conf`, else `crs-setup.conf.example`, in the directory or its parent) and
 * then `rules/*.conf` (or `*.conf` directly inside). The caller puts the engine's base
 * configuration first.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The setup files and rule globs `--rules` arguments name, kept apart so site settings can go between. */
export function ruleSetLayout(paths: readonly string[]): { setup: string[]; rules: string[] } {
  const setup: string[] = [];
  const rules: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new Error(`rules path not found: ${p}`);
    if (!statSync(p).isDirectory()) {
      rules.push(p);
      continue;
    }
    const found = [join(p, 'crs-setup.conf'), join(p, 'crs-setup.conf.example'), join(dirname(p), 'crs-setup.conf'), join(dirname(p), 'crs-setup.conf.example')].find((f) => existsSync(f));
    if (found) setup.push(found);
    rules.push(join(existsSync(join(p, 'rules')) && statSync(join(p, 'rules')).isDirectory() ? join(p, 'rules') : p, '*.conf'));
  }
  return { setup, rules };
}

/** `afterSetup` files (site settings such as a paranoia level) go between the setup files and the rules. */
export function ruleFilesFor(paths: readonly string[], afterSetup: readonly string[] = []): string[] {
  const { setup, rules } = ruleSetLayout(paths);
  return [...setup, ...afterSetup, ...rules];
}
