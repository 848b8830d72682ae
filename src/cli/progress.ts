import type { Writable } from 'node:stream';

const fmtBytes = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${Math.round(n / 1024)} kB`);

/**
 * A one-line progress bar on stderr, redrawn at most ten times a second and only
 * on a terminal (a pipe or a log file gets no control characters).
 */
export class ProgressBar {
  private last = 0;
  private readonly started = Date.now();
  private drawn = false;
  constructor(private readonly out: Writable, private readonly enabled: boolean, private readonly label: string) {}

  update(done: number, total: number, items: number, itemName: string): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && done < total) return;
    this.last = now;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const width = 24;
    const fill = Math.round(frac * width);
    const secs = Math.max(0.001, (now - this.started) / 1000);
    const rate = Math.round(items / secs).toLocaleString('en-US');
    this.out.write(`\r${this.label} [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${String(Math.round(frac * 100)).padStart(3)}% ${fmtBytes(done)}/${fmtBytes(total)} ${items.toLocaleString('en-US')} ${itemName} (${rate}/s)\u001b[K`);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.out.write('\r\u001b[K');
  }
}
