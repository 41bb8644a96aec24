import type { Logger } from '../log';
import { withWeekLock, type WeekLockOptions } from '../store/lock';
import type { TransformRouter } from '../pipeline/router';
import { extractThenSettle } from '../pipeline/local';
import type { DuckDb } from '../query';
import type { SpotifySourceOptions } from '../sources';
import { lineageKey, type ChartWeek, type ObjectStore } from '../store';
import { transformRawObject } from '../transform';
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
    const week = await transformRawObject(rawKey, { store, duck, log, lock });
    return { rows: week.rows.chart_entries };
  };
  return {
    transform,
    async extract(chartWeek: ChartWeek) {
      return withWeekLock(store, chartWeek, 'extract', async () => {
        const { extract: result, weeks } = await extractThenSettle(pipeline, { chart: chartWeek.chart, week: chartWeek.week }, options);
        const done = weeks.find((week) => week.rawKey === result.rawKey);
        if (done) return { rawKey: result.rawKey, rows: done.rows.chart_entries };
        // Already extracted (by an earlier, interrupted run): transform that raw object unless it already was.
        const lineage = await store.get(lineageKey(chartWeek));
        if (lineage && (JSON.parse(lineage.toString('utf8')) as { raw: { key: string } }).raw.key === result.rawKey) {
          return { rawKey: result.rawKey, rows: 0 };
        }
        return { rawKey: result.rawKey, rows: (await transform(result.rawKey)).rows };
      }, { waitMs: 0, ...lock });
    },
  };
}
