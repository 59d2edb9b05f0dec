/**
 * The content scanning facade used by the walkers: decides which files are read (size cap,
 * secret allow-listed paths), and runs the secret and malware scanners on a pool of worker
 * threads so regex and signature work does not hold up layer decompression. Running from
 * TypeScript sources (tests) the same code runs inline.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ContentScanSettings, FileContentResult } from './content-types.js';
import { loadClamavDatabase } from './malware/clamav-db.js';
import { ALLOWED_PATHS, SECRET_RULES, SECRET_RULES_VERSION } from './secret/registry.js';
import { createFileScanners, scanFileContent, type FileScanners } from './scan-file.js';

export const DEFAULT_CONTENT_MAX_FILE_SIZE = 10 * 1024 * 1024;

interface Pending {
  resolve: (r: FileContentResult[]) => void;
  reject: (e: Error) => void;
}

export class ContentScanner {
  readonly fingerprint: string;
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private inline?: FileScanners;
  private secretsOnlyInline?: FileScanners;

  constructor(readonly settings: ContentScanSettings) {
    // Load the database once here so a bad directory fails before any layer is read.
    const db = settings.malware && settings.malwareDb ? loadClamavDatabase(settings.malwareDb) : undefined;
    this.databaseSummary = db ? { source: db.source, loaded: db.loaded, skipped: db.skipped.length } : undefined;
    const parts = [settings.secrets ? `secrets@${SECRET_RULES_VERSION}/${SECRET_RULES.length}` : '', settings.malware ? `malware@${db?.digest ?? 'builtin'}` : '', `max=${settings.maxFileSize}`];
    this.fingerprint = createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 16);
    const workerFile = fileURLToPath(new URL('./content-worker.js', import.meta.url));
    const compiled = import.meta.url.endsWith('.js') && existsSync(workerFile);
    if (!compiled) {
      this.inline = createFileScanners(settings);
      return;
    }
    const count = Math.max(1, Math.min(4, availableParallelism()));
    for (let i = 0; i < count; i++) {
      const worker = new Worker(workerFile, { workerData: settings });
      worker.unref();
      worker.on('message', (msg: { id: number; results?: FileContentResult[]; error?: string }) => {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        const slot = this.workers.find((w) => w.worker === worker);
        if (slot) slot.busy--;
        if (msg.error !== undefined) p.reject(new Error(msg.error));
        else p.resolve(msg.results ?? []);
      });
      worker.on('error', (err) => {
        for (const [id, p] of this.pending) {
          this.pending.delete(id);
          p.reject(err);
        }
      });
      this.workers.push({ worker, busy: 0 });
    }
  }

  readonly databaseSummary: { source: string; loaded: number; skipped: number } | undefined;

  /** Whether a file is read at all (cheap: called for every entry of every layer). */
  wants(path: string, size: number): boolean {
    if (size === 0 || size > this.settings.maxFileSize) return false;
    return this.settings.malware || !secretAllowListed(path);
  }

  /**
   * Whether a wanted file is worth reading in full after seeing its first bytes: the malware
   * scanner reads everything; the secret scanner alone skips binaries (a NUL early on) except
   * keystores, so large executables are never buffered.
   */
  sniff(head: Buffer): boolean {
    if (this.settings.malware || !head.includes(0)) return true;
    const magic = head.length >= 4 ? head.readUInt32BE(0) : 0;
    return magic === 0xfeedfeed || magic === 0xcececece || head[0] === 0x30;
  }

  scan(path: string, content: Buffer): Promise<FileContentResult[]> {
    const skipSecrets = this.settings.secrets && secretAllowListed(path);
    if (this.inline) {
      if (skipSecrets) {
        this.secretsOnlyInline ??= createFileScanners({ ...this.settings, secrets: false });
        return Promise.resolve(scanFileContent(this.secretsOnlyInline, path, content));
      }
      return Promise.resolve(scanFileContent(this.inline, path, content));
    }
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    slot.busy++;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) for (const w of this.workers) w.worker.ref();
      slot.worker.postMessage({ id, path, content, secrets: !skipSecrets });
    }).finally(() => {
      if (this.pending.size === 0) for (const w of this.workers) w.worker.unref();
    }) as Promise<FileContentResult[]>;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }
}

export function secretAllowListed(path: string): boolean {
  return ALLOWED_PATHS.some((re) => re.test(path));
}
