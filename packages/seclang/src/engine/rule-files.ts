/**
 * Which files a `--rules` argument means: a file as given; a CRS-style directory as its setup
 * file (`crs-setup.conf`, else `crs-setup.conf.example`, in the directory or its parent) and
 * then `rules/*.conf` (or `*.conf` directly inside). The caller puts the engine's base
 * configuration first.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `afterSetup` files (site settings such as a paranoia level) go between the setup file and the rules. */
export function ruleFilesFor(paths: readonly string[], afterSetup: readonly string[] = []): string[] {
  const files: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new Error(`rules path not found: ${p}`);
    if (!statSync(p).isDirectory()) {
      files.push(p);
      continue;
    }
    const setup = [join(p, 'crs-setup.conf'), join(p, 'crs-setup.conf.example'), join(dirname(p), 'crs-setup.conf'), join(dirname(p), 'crs-setup.conf.example')].find((f) => existsSync(f));
    if (setup) files.push(setup);
    files.push(...afterSetup);
    const rulesDir = existsSync(join(p, 'rules')) && statSync(join(p, 'rules')).isDirectory() ? join(p, 'rules') : p;
    files.push(join(rulesDir, '*.conf'));
  }
  return files;
}
