/**
 * Collects one layer's (or directory's) content-scan results while its files stream past:
 * hands each file to the content scanner without waiting for it, caps the bytes in flight,
 * copies results to hardlinks of scanned files, and reports files that could not be scanned.
 */
import type { ContentScanner } from '../content/content-scanner.js';
import type { FileContentResult, LayerContent } from '../content/content-types.js';
import { describeCause } from '../model/errors.js';
import type { Problem } from '../model/problem.js';

/** Bytes handed to workers but not yet answered before the walker waits. */
const MAX_IN_FLIGHT = 64 * 1024 * 1024;

export class ContentCollector {
  private readonly files: FileContentResult[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly links: { path: string; target: string }[] = [];
  private inFlight = 0;
  private scannedFiles = 0;
  private scannedBytes = 0;
  private skippedLarge = 0;

  constructor(
    private readonly scanner: ContentScanner,
    private readonly describe: string,
    private readonly problems: Problem[],
  ) {}

  wants(path: string, size: number): boolean {
    if (size > this.scanner.settings.maxFileSize) this.skippedLarge++;
    return this.scanner.wants(path, size);
  }

  sniff(head: Buffer): boolean {
    return this.scanner.sniff(head);
  }

  link(path: string, target: string): void {
    this.links.push({ path, target });
  }

  async scan(path: string, content: Buffer): Promise<void> {
    this.scannedFiles++;
    this.scannedBytes += content.length;
    this.inFlight += content.length;
    const job: Promise<void> = this.scanner
      .scan(path, content)
      .then(
        (results) => {
          this.files.push(...results);
        },
        (err: unknown) => {
          this.problems.push({ level: 'warning', code: 'UNREADABLE_FILE', input: `${this.describe}: /${path}`, message: `content scan failed: ${describeCause(err)}` });
        },
      )
      .finally(() => {
        this.inFlight -= content.length;
        this.pending.delete(job);
      });
    this.pending.add(job);
    while (this.inFlight > MAX_IN_FLIGHT && this.pending.size > 0) await Promise.race(this.pending);
  }

  async finish(): Promise<LayerContent> {
    await Promise.all(this.pending);
    const byPath = new Map<string, FileContentResult[]>();
    for (const f of this.files) {
      const base = f.path.split('!/')[0] as string;
      byPath.set(base, [...(byPath.get(base) ?? []), f]);
    }
    for (const { path, target } of this.links) {
      for (const f of byPath.get(target) ?? []) this.files.push({ ...f, path: path + f.path.slice(target.length) });
    }
    this.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { fingerprint: this.scanner.fingerprint, files: this.files, scannedFiles: this.scannedFiles, scannedBytes: this.scannedBytes, skippedLarge: this.skippedLarge };
  }
}
