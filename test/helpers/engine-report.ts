/**
 * What the engine tests read from `bulwark image -f json`: the artifact, the OS and the package
 * list, parsed from a CLI run (a failed run throws with its stderr), and the check that an
 * engine scan equals the archive scan.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { CliRun } from './run-cli.js';

export interface EngineReport {
  artifact: { format: string; name: string };
  packages: { type: string; name: string; version: string }[];
  os?: unknown;
}

export const parseReport = (run: CliRun): EngineReport => {
  if (run.status !== 0) throw new Error(`exit ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as EngineReport;
};

/** `type name@version`, sorted: two scans of the same image compare equal. */
export const packageKeys = (r: EngineReport): string[] => r.packages.map((p) => `${p.type} ${p.name}@${p.version}`).sort();

/**
 * The scan of `lab/alpine:3.14` through an engine (`format`) equals the archive scan: same OS,
 * same 14 packages; the temporary saved archive is gone, only layer cache entries remain.
 */
export function expectSameAsArchive(run: CliRun, archive: EngineReport, format: string): void {
  const engine = parseReport(run);
  expect(engine.artifact.format).toBe(format);
  expect(engine.artifact.name).toBe('lab/alpine:3.14');
  expect(engine.os).toEqual(archive.os);
  expect(packageKeys(engine)).toEqual(packageKeys(archive));
  expect(packageKeys(engine)).toHaveLength(14);
  expect(readdirSync(join(run.home, '.cache/bulwark')).sort()).toEqual(['layers']);
}
