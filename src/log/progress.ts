/** A progress line over weeks: a bar on a terminal, a line every 10% otherwise (CI logs, pipes). */
export class Progress {
  private readonly started = Date.now();
  private done = 0;
  private rows = 0;
  private lastDecile = -1;

  constructor(
    private readonly total: number,
    private readonly label = 'weeks',
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  tick(rows = 0, note = ''): void {
    this.done += 1;
    this.rows += rows;
    const line = this.line(note);
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}\x1b[K`);
    } else {
      const decile = Math.floor((this.done / Math.max(1, this.total)) * 10);
      if (decile !== this.lastDecile || this.done === this.total) {
        this.lastDecile = decile;
        this.stream.write(`${line}\n`);
      }
    }
  }

  finish(): { seconds: number; rows: number; done: number } {
    if (this.stream.isTTY) this.stream.write('\n');
    return { seconds: (Date.now() - this.started) / 1000, rows: this.rows, done: this.done };
  }

  private line(note: string): string {
    const width = 30;
    const filled = Math.round((this.done / Math.max(1, this.total)) * width);
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} ${this.label} · ${this.rows.toLocaleString('en-US')} rows · ${seconds}s${note ? ` · ${note}` : ''}`;
  }
}
