/**
 * `bulwark db import PATH…` loads advisory sources (OSV, Alpine secdb) into the local
 * advisory database, each source replaced atomically; `bulwark db status` shows what is in it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { AdvisoryStore, BulwarkError, defaultCacheDir, readAdvisorySource } from '@bulwark/core';
import { EXIT_OK } from '../exit-codes.js';

export function defaultDbPath(): string {
  return join(defaultCacheDir(), 'db', 'advisories.sqlite');
}

export function addDbCommands(program: Command, setExit: (code: number) => void): void {
  const db = program.command('db').description('manage the local advisory database');
  db.command('import')
    .argument('<paths...>', 'advisory files or directories (OSV JSON / JSON lines / all.zip, Alpine secdb)')
    .option('--db <path>', 'advisory database file', defaultDbPath())
    .description('import advisory sources (each replaces its previous import atomically)')
    .action((paths: string[], flags: { db: string }) => {
      const store = AdvisoryStore.open(flags.db);
      try {
        for (const path of paths) {
          if (!existsSync(path)) throw new BulwarkError('INPUT_NOT_FOUND', path, 'no such file or directory');
          const started = performance.now();
          const source = readAdvisorySource(path);
          const n = store.importSource({ name: source.name, format: source.format, origin: path }, source.advisories);
          process.stderr.write(`imported ${n} advisories from ${path} as ${source.name} (${Math.round(performance.now() - started)} ms)\n`);
        }
      } finally {
        store.close();
      }
      setExit(EXIT_OK);
    });
  db.command('status')
    .option('--db <path>', 'advisory database file', defaultDbPath())
    .option('-f, --format <format>', 'table or json', 'table')
    .description('sources, counts, age and schema of the advisory database')
    .action((flags: { db: string; format: string }) => {
      const store = AdvisoryStore.open(flags.db, { readonly: true });
      const status = store.status();
      store.close();
      if (flags.format === 'json') {
        process.stdout.write(`${JSON.stringify({ path: flags.db, ...status }, null, 2)}\n`);
        return;
      }
      const lines = [`${flags.db} (schema ${status.schema}): ${status.advisories} advisories, ${status.affected} affected-package records`];
      for (const s of status.sources) {
        const ageDays = Math.floor((Date.now() - Date.parse(s.importedAt)) / 86_400_000);
        lines.push(`  ${s.name.padEnd(44)} ${s.format.padEnd(13)} ${String(s.records).padStart(6)} records, imported ${s.importedAt} (${ageDays} d ago)`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
