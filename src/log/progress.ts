/**
 * A progress line over weeks: a bar on a terminal, a line every 10% otherwise (CI logs, pipes). On a terminal the
 * line is redrawn every second, so the time moves while one long step (a batch transform) runs between ticks.
 */
export class Progress {
  private readonly started = Date.now();
  private done = 0;
  private rows = 0;
  private lastDecile = -1;
  /** Set by `at`: the work is counted in items whose total may grow (enrichment), and rows mean nothing. */
  private counted = false;
  /** What the work is doing between ticks (`phase`), shown before the last tick's note. */
  private doing = '';
  private note = '';
  private readonly timer?: NodeJS.Timeout;
  /**
   * Items done and seconds elapsed when the last turn of the event loop that counted items ended: the pace the time
   * left is estimated from. An import counts a batch's 500 files in one turn when its transform ends, and an estimate
   * from the first of them (a file done in 3 s: "74 min left" for a 7 s import) says nothing.
   */
  private settled = { done: 0, seconds: 0 };
  private settling = false;

  constructor(
    private total: number,
    private readonly label = 'weeks',
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    if (stream.isTTY) this.timer = setInterval(() => this.draw(this.note), 1000).unref();
  }

  tick(rows = 0, note = ''): void {
    this.advance(1, rows, note);
  }

  /** Counts several items done at once (a batch). */
  advance(items: number, rows = 0, note = ''): void {
    this.done += items;
    this.rows += rows;
    this.settle();
    this.draw(note);
  }

  /** Says what the work does now (e.g. "transforming 500 files (batch 1 of 23)"), until the next phase; redraws on a terminal. */
  phase(doing: string): void {
    this.doing = doing;
    if (this.stream.isTTY) this.draw('');
    // Elsewhere a line per phase would flood a log; the first one shows the work started and what it is.
    else if (this.lastDecile < 0) this.draw('');
  }

  /** Sets how much is done of how much (a total that grows as the work discovers more), and redraws. */
  at(done: number, total: number, note = ''): void {
    this.counted = true;
    this.done = done;
    this.total = total;
    this.settle();
    this.draw(note);
  }

  /** Takes the pace once the items counted in this turn of the event loop are all counted. */
  private settle(): void {
    if (this.settling) return;
    this.settling = true;
    setImmediate(() => {
      this.settling = false;
      this.settled = { done: this.done, seconds: (Date.now() - this.started) / 1000 };
    });
  }

  finish(): { seconds: number; rows: number; done: number } {
    clearInterval(this.timer);
    if (this.stream.isTTY) this.stream.write('\n');
    return { seconds: (Date.now() - this.started) / 1000, rows: this.rows, done: this.done };
  }

  private draw(note: string): void {
    this.note = note;
    const line = this.line([this.doing, note].filter(Boolean).join(' · '));
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

  private line(note: string): string {
    const width = 30;
    const filled = Math.min(width, Math.round((this.done / Math.max(1, this.total)) * width));
    const elapsed = (Date.now() - this.started) / 1000;
    const rows = this.counted ? '' : ` · ${this.rows.toLocaleString('en-US')} rows`;
    // The estimate assumes the pace so far holds for what remains.
    // Counted down from when the pace was taken (a redraw between items), never below a second while work remains.
    const { done, seconds } = this.settled;
    const remaining = (seconds / done) * (this.total - this.done) - (elapsed - seconds);
    const left = done > 0 && this.done < this.total ? ` · ~${formatSeconds(Math.max(1, remaining))} left` : '';
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')} ${this.label}${rows} · ${elapsed.toFixed(1)}s${left}${note ? ` · ${note}` : ''}`;
  }
}

function formatSeconds(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)}s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
