import type { Logger } from '../log';
import { withWeekLock, type WeekLockOptions } from '../store/lock';
import type { TransformRouter } from '../pipeline/router';
import { extractThenSettle } from '../pipeline/local';
import type { DuckDb } from '../query';
import type { SpotifySourceOptions } from '../sources';
import type { ChartWeek, ObjectStore } from '../store';
import { readLineage, transformRawObjects } from '../transform';
import type { WeekWorker } from './catch-up';

export interface PipelineParts {
  store: ObjectStore;
  duck: DuckDb;
  router: TransformRouter;
  log: Logger;
}

/**
 * The real week worker: the extract handler under the week's `extract` lock (so two schedulers, or a scheduler
 * and a `chartlake run`, never fetch the same week twice), then the transform its object-created event starts.
 */
export function pipelineWorker(pipeline: PipelineParts, options: SpotifySourceOptions, lock: WeekLockOptions = {}): WeekWorker {
  const { store, duck, log } = pipeline;
  const transform = async (rawKey: string) => {
    const result = await transformRawObjects([rawKey], { store, duck, log, lock });
    if (result.refused.length > 0) throw result.refused[0];
    return { rows: result.weeks.reduce((sum, week) => sum + week.rows.chart_entries, 0) };
  };
  return {
    transform,
    async extract(chartWeek: ChartWeek) {
      return withWeekLock(store, chartWeek, 'extract', async () => {
        const { extract: result, weeks } = await extractThenSettle(pipeline, { chart: chartWeek.chart, week: chartWeek.week }, options);
        const done = weeks.find((week) => week.rawKeys.includes(result.rawKey));
        if (done) return { rawKey: result.rawKey, rows: done.rows.chart_entries };
        // Already extracted (by an earlier, interrupted run): transform that raw object unless it already was.
        const committed = await readLineage(store, duck, [chartWeek.chart]);
        if (committed.some((week) => week.week === chartWeek.week && week.rawKeys.includes(result.rawKey))) {
          return { rawKey: result.rawKey, rows: 0 };
        }
        return { rawKey: result.rawKey, rows: (await transform(result.rawKey)).rows };
      }, { waitMs: 0, ...lock });
    },
  };
}
