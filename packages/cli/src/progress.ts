/**
 * A one-line progress bar on stderr (layers done, bytes read) for interactive terminals only;
 * silent when stderr is not a TTY or with --quiet, so logs and CI output stay clean.
 */
import type { ProgressEvent } from '@bulwark/core';

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

export class ProgressBar {
  private total = 0;
  private done = 0;
  private bytes = 0;
  private totalBytes = 0;
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  static forStderr(quiet: boolean): ProgressBar | undefined {
    return !quiet && process.stderr.isTTY ? new ProgressBar(process.stderr) : undefined;
  }

  readonly onProgress = (event: ProgressEvent): void => {
    if (event.type === 'layers') {
      this.total = event.total;
      this.done = event.cached;
      this.totalBytes = event.bytes;
    } else if (event.type === 'bytes') this.bytes += event.bytes;
    else this.done += 1;
    const now = Date.now();
    if (event.type === 'bytes' && now - this.lastDraw < 80) return;
    this.lastDraw = now;
    this.draw();
  };

  private draw(): void {
    const width = 24;
    const fraction = this.totalBytes > 0 ? Math.min(1, this.bytes / this.totalBytes) : this.total > 0 ? this.done / this.total : 1;
    const filled = Math.round(fraction * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    this.stream.write(`\r\u001b[2Klayers ${this.done}/${this.total} ${bar} ${mib(this.bytes)}/${mib(this.totalBytes)}`);
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn) this.stream.write('\r\u001b[2K');
  }
}
