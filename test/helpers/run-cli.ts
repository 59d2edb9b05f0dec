/**
 * Runs the built `bulwark` CLI as a user would, in a scratch HOME/working directory, and
 * reports exit code, output, and every file the run created (to prove nothing is written
 * outside the cache and output paths).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

export const CLI = resolve(import.meta.dirname, '../../packages/cli/bin/bulwark.js');

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
  home: string;
  /** Files present under the scratch HOME after the run (relative paths). */
  written: string[];
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

export function runCli(args: string[], opts: { home?: string; timeoutMs?: number } = {}): CliRun {
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'bulwark-home-'));
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: home,
    env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CACHE_HOME: join(home, '.cache'), NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, home, written: listFiles(home) };
}

/** Like runCli, without blocking the event loop (for tests that serve HTTP from this process). */
export function runCliAsync(args: string[], opts: { home?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'bulwark-home-'));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: home, env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CACHE_HOME: join(home, '.cache'), NO_COLOR: '1', ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ status: code ?? -1, stdout, stderr, home, written: listFiles(home) }));
  });
}
