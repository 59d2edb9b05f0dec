/** The README's quick-start output must be what the command prints (README stays true). */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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

const SECDB = resolve(import.meta.dirname, '../../shared/data/advisories/alpine/secdb');

it.skipIf(!existsSync(SECDB))('README vulnerability example output matches the real output', () => {
  const root = resolve(import.meta.dirname, '..');
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const section = /### Find vulnerabilities[\s\S]*?```sh\n([\s\S]*?)```[\s\S]*?now prints:\n\n```\n([\s\S]*?)```/.exec(readme);
  expect(section).not.toBeNull();
  const [importLine, scanLine] = (section?.[1] ?? '').trim().split('\n').map((l) => l.replace(/#.*$/, '').trim().split(/\s+/).slice(2));
  const home = mkdtempSync(join(tmpdir(), 'bulwark-readme-'));
  const relocate = (args: string[]): string[] => args.map((a) => (a.includes('/') ? resolve(root, a) : a));
  expect(runCli(relocate(importLine ?? []), { home }).status).toBe(0);
  const scan = runCli(relocate(scanLine ?? []), { home });
  expect(scan.status).toBe(0);
  expect(scan.stdout.slice(scan.stdout.indexOf('Vulnerabilities:'))).toBe(section?.[2]);
});

it('README secrets and malware example output matches the real output', () => {
  const root = resolve(import.meta.dirname, '..');
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const section = /### Find secrets and malware[\s\S]*?```sh\nnpx bulwark (.*)\n```[\s\S]*?```\n([\s\S]*?)```/.exec(readme);
  expect(section).not.toBeNull();
  const args = (section?.[1] ?? '').trim().split(/\s+/).map((a) => (a.includes('/') ? resolve(root, a) : a));
  const run = runCli(args);
  expect(run.status).toBe(0);
  expect(run.stdout.slice(run.stdout.indexOf('Secrets:'))).toBe(section?.[2]);
});
