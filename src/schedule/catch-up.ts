import { isSourceError, latestChartDate } from '../sources';
import { silentLogger, type Logger } from '../log';
import { WeekLockedError } from '../store/lock';
import { findGaps, readLakeState, type Gap } from '../quality';
import type { ChartWeek, ObjectStore } from '../store';
import { RawObjectRejected } from '../transform/errors';

/** What fills one chart week; the scheduler and `run --catch-up` pass the real pipeline, tests pass fakes. */
export interface WeekWorker {
  /** Extracts the week from the source and transforms it; returns the raw key and chart rows written. */
  extract(chartWeek: ChartWeek): Promise<{ rawKey: string; rows: number }>;
  /** Transforms a raw object already in the lake (a run stopped between extract and transform). */
  transform(rawKey: string): Promise<{ rows: number }>;
}

export type WeekOutcome = 'transformed' | 'recovered' | 'refused' | 'locked' | 'failed';

/** One line of the run log (the scheduler prints it as one JSON object). */
export interface WeekRun {
  chart: string;
  week: string;
  action: 'extract' | 'transform';
  outcome: WeekOutcome;
  raw_key?: string;
  rows?: number;
  error?: string;
  /** The source's error code when it said one (e.g. `CHARTS_TOKEN`: no later week can succeed either). */
  error_code?: string;
  started_at: string;
  ms: number;
}

export interface CatchUpOptions {
  store: ObjectStore;
  worker: WeekWorker;
  charts: string[];
  /**
   * First week to fill; default each chart's oldest transformed week, so gaps inside the lake's span are filled
   * too, or only the latest week for a chart the lake does not have yet (history before it: `chartlake backfill`).
   */
  from?: string;
  /** Last week to fill; default the latest chart week published at `now`. */
  to?: string;
  now?: () => Date;
  log?: Logger;
  /** Checked before each week: a stop request ends the catch-up between weeks, never inside one. */
  signal?: AbortSignal;
}

export interface CatchUpResult {
  runs: WeekRun[];
  /** Quarantined weeks are not retried (the raw object needs a fix, then `chartlake replay`). */
  quarantined: Gap[];
  stopped: boolean;
}

/** The weeks a catch-up would fill, in order (week, then chart), with what each needs. */
export async function weeksToCatchUp(options: Omit<CatchUpOptions, 'worker' | 'log' | 'signal'>): Promise<{ todo: Gap[]; quarantined: Gap[] }> {
  const now = (options.now ?? (() => new Date()))();
  const to = options.to ?? latestChartDate(now);
  const lake = await readLakeState(options.store);
  const gaps: Gap[] = [];
  for (const chart of options.charts) {
    const weeks = lake.runs.filter((run) => run.chart === chart).map((run) => run.week).sort();
    const from = options.from ?? (weeks.length > 0 ? weeks[0] : to);
    if (from > to) continue;
    gaps.push(...(await findGaps(options.store, { from, to, charts: [chart] }, lake)));
  }
  gaps.sort((a, b) => a.week.localeCompare(b.week) || a.chart.localeCompare(b.chart));
  return { todo: gaps.filter((gap) => gap.reason !== 'quarantined'), quarantined: gaps.filter((gap) => gap.reason === 'quarantined') };
}

/**
 * Fills the chart weeks that have no data, oldest first, one at a time: weeks with nothing are extracted and
 * transformed, weeks whose raw object was never transformed are transformed. A failing week is logged and the
 * next one is tried (a later run retries it); quarantined weeks are reported, not retried.
 */
export async function catchUp(options: CatchUpOptions): Promise<CatchUpResult> {
  const log = options.log ?? silentLogger;
  const { todo, quarantined } = await weeksToCatchUp(options);
  const runs: WeekRun[] = [];
  for (const gap of todo) {
    if (options.signal?.aborted) return { runs, quarantined, stopped: true };
    const run = await runOne(gap, options.worker);
    runs.push(run);
    log.log(run.outcome === 'transformed' || run.outcome === 'recovered' ? 'info' : 'error', 'week run', { ...run });
  }
  return { runs, quarantined, stopped: false };
}

/** Fills one gap: extracts (and transforms) a week with nothing, transforms a raw object never transformed. */
export async function runOne(gap: Gap, worker: WeekWorker): Promise<WeekRun> {
  const started = new Date();
  const base = { chart: gap.chart, week: gap.week, started_at: started.toISOString() };
  const action = gap.reason === 'not_transformed' && gap.raw_key ? 'transform' : 'extract';
  try {
    if (action === 'transform') {
      const { rows } = await worker.transform(gap.raw_key as string);
      return { ...base, action, outcome: 'recovered', raw_key: gap.raw_key, rows, ms: Date.now() - started.getTime() };
    }
    const { rawKey, rows } = await worker.extract({ chart: gap.chart, week: gap.week });
    return { ...base, action, outcome: 'transformed', raw_key: rawKey, rows, ms: Date.now() - started.getTime() };
  } catch (error) {
    const outcome: WeekOutcome = error instanceof RawObjectRejected ? 'refused' : error instanceof WeekLockedError ? 'locked' : 'failed';
    const rawKey = error instanceof RawObjectRejected ? error.rawKey : gap.raw_key;
    const code = isSourceError(error) ? { error_code: error.code } : {};
    return { ...base, action, outcome, ...(rawKey ? { raw_key: rawKey } : {}), error: (error as Error).message.split('\n')[0], ...code, ms: Date.now() - started.getTime() };
  }
}
