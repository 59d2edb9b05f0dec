/** The README's quick-start output must be what the command prints (README stays true). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';

it('README quick-start output matches the real output', () => {
  const root = resolve(import.meta.dirname, '..');
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const command = /npm ci && npx bulwark (image \S+)/.exec(readme)?.[1];
  const shown = /The first command prints:\n\n```\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(command).toBeDefined();
  expect(shown).toBeDefined();
  const [verb, target] = (command as string).split(' ') as [string, string];
  const run = runCli([verb, resolve(root, target)]);
  expect(run.status).toBe(0);
  expect(run.stdout.replace(resolve(root, target), target)).toBe(shown);
});
