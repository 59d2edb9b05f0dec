/**
 * `bulwark db import PATH…` loads advisory sources (OSV, Alpine secdb) into the local
 * advisory database, each source replaced atomically; `bulwark db status` shows what is in it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { AdvisoryStore, BulwarkError, defaultCacheDir, feedsFromBases, readAdvisorySource, readFeedsFile, updateDatabase, UPSTREAM_FEEDS } from '@bulwark/core';
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
  db.command('update')
    .option('--db <path>', 'advisory database file', defaultDbPath())
    .option('--feeds <file>', 'YAML list of feeds (name + urls) or mirror base URLs')
    .option('--mirror <url...>', 'base URL(s) serving the built-in feeds\' paths (air-gapped mirror)')
    .option('--retries <n>', 'retries per URL on network errors, 429 and 5xx', '3')
    .option('--timeout <seconds>', 'per-request timeout', '60')
    .description('download the configured feeds (conditionally) and replace the database atomically')
    .action(async (flags: { db: string; feeds?: string; mirror?: string[]; retries: string; timeout: string }) => {
      const feeds = flags.feeds ? readFeedsFile(flags.feeds) : flags.mirror?.length ? feedsFromBases(flags.mirror) : UPSTREAM_FEEDS;
      const started = performance.now();
      const result = await updateDatabase(flags.db, feeds, { retries: Number(flags.retries), backoffMs: 500, timeoutMs: Number(flags.timeout) * 1000, maxBytes: 2 * 1024 ** 3 }, (line) => process.stderr.write(`${line}\n`));
      const fresh = result.downloads.filter((d) => d.status === 'downloaded').length;
      process.stderr.write(`updated ${flags.db}: ${result.advisories} advisories from ${result.downloads.length} feeds (${fresh} downloaded, ${result.downloads.length - fresh} not modified) in ${Math.round(performance.now() - started)} ms\n`);
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
