import { silentLogger, type Logger } from '../log';
import { chartWeeksBetween, findGaps, readLakeState, type Gap } from '../quality';
import type { ChartWeek, ObjectStore } from '../store';
import { runOne, type WeekRun, type WeekWorker } from './catch-up';

export interface BackfillOptions {
  store: ObjectStore;
  worker: WeekWorker;
  charts: string[];
  /** First and last chart date of the range (any dates: the Thursdays between them are the chart weeks). */
  from: string;
  to: string;
  /** The first week each chart has at the source: weeks before it are skipped, not failures. */
  historyStart: (chart: string) => string;
  log?: Logger;
  /** Checked before each week: a stop request ends the backfill between weeks, never inside one. */
  signal?: AbortSignal;
  /** Called once per chart week of the range, in order, after the week is settled (the CLI's progress bar). */
  onWeek?: (week: BackfillWeek, total: number) => void;
}

/** What became of one chart week of the range. */
export type BackfillWeek =
  | (ChartWeek & { status: 'already_there' | 'before_history' | 'quarantined' })
  | (ChartWeek & { status: 'filled' | 'failed'; run: WeekRun });

export interface BackfillResult {
  /** Every chart week of the range settled so far, in order (all of them unless the backfill stopped). */
  weeks: BackfillWeek[];
  /** Chart weeks in the range (weeks × charts). */
  planned: number;
  /** Extracted and transformed (or, for a raw object never transformed, transformed). */
  fetched: number;
  alreadyThere: number;
  beforeHistory: number;
  failed: number;
  /** Refused weeks are not fetched again: their raw object needs a fix, then `chartlake replay`. */
  quarantined: Gap[];
  stopped: boolean;
  /** Why the backfill stopped before the end of the range, when a week's failure said no later week could succeed. */
  stoppedBy?: string;
}

const STOPPING_ERRORS = new Set(['CHARTS_TOKEN', 'CREDENTIALS']);

/**
 * Fills every chart week of a range that the lake does not have, oldest first (week, then chart), one week at a
 * time through the same worker the schedule uses; weeks already transformed are not asked for, weeks before a
 * chart's history began are skipped. A failing week is reported and the next one tried.
 */
export async function backfill(options: BackfillOptions): Promise<BackfillResult> {
  const log = options.log ?? silentLogger;
  const weeks = chartWeeksBetween(options.from, options.to);
  const lake = await readLakeState(options.store);
  const gaps = new Map<string, Gap>();
  for (const gap of await findGaps(options.store, { from: options.from, to: options.to, charts: options.charts }, lake)) {
    gaps.set(`${gap.chart} ${gap.week}`, gap);
  }
  const planned: (ChartWeek & { gap?: Gap })[] = weeks.flatMap((week) => options.charts.map((chart) => ({ chart, week, gap: gaps.get(`${chart} ${week}`) })));
  const result: BackfillResult = { weeks: [], planned: planned.length, fetched: 0, alreadyThere: 0, beforeHistory: 0, failed: 0, quarantined: [], stopped: false };
  const settle = (week: BackfillWeek) => {
    result.weeks.push(week);
    options.onWeek?.(week, planned.length);
  };
  for (const { chart, week, gap } of planned) {
    if (!gap) {
      result.alreadyThere += 1;
      settle({ chart, week, status: 'already_there' });
    } else if (gap.reason === 'quarantined') {
      result.quarantined.push(gap);
      settle({ chart, week, status: 'quarantined' });
    } else if (week < options.historyStart(chart) && gap.reason === 'no_data') {
      result.beforeHistory += 1;
      settle({ chart, week, status: 'before_history' });
    } else {
      if (options.signal?.aborted) {
        result.stopped = true;
        break;
      }
      const run = await runOne(gap, options.worker);
      const filled = run.outcome === 'transformed' || run.outcome === 'recovered';
      log.log(filled ? 'info' : 'error', 'week run', { ...run });
      if (filled) result.fetched += 1;
      else result.failed += 1;
      settle({ chart, week, status: filled ? 'filled' : 'failed', run });
      // A refused token or credentials fail every later week too: stop, so the user renews them and runs again.
      if (run.error_code && STOPPING_ERRORS.has(run.error_code)) {
        result.stopped = true;
        result.stoppedBy = run.error;
        break;
      }
    }
  }
  return result;
}
