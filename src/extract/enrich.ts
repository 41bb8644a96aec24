import { enrichWeeks, type EnrichProgress, type SpotifySourceOptions } from '../sources';
import type { ApiMode } from '../sources/envelope';
import { silentLogger, type Logger } from '../log';
import { rawEnrichmentKey, type ChartWeek, type ObjectStore } from '../store';
import { readLakeWeeks, weeksToEnrich, type LakeWeekFilter } from './lake-weeks';

/** What `chartlake enrich` asks for: charts and a week range (all of the lake when absent). */
export type EnrichEvent = LakeWeekFilter;

export interface EnrichContext {
  store: ObjectStore;
  options: SpotifySourceOptions;
  log?: Logger;
  now?: () => Date;
  onProgress?: (progress: EnrichProgress) => void;
  /** Waits between retries (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
}

export interface EnrichResult {
  /** The enrichment raw objects written, one per enriched chart week. */
  rawKeys: string[];
  weeks: ChartWeek[];
  /** Weeks of the selection whose every track already had its Web API objects. */
  alreadyEnriched: number;
  requests: number;
  fetched: { tracks: number; albums: number; artists: number };
  apiMode: ApiMode;
}

/**
 * The enrich handler: finds the selected weeks whose tracks lack Web API objects (CSV imports, weeks extracted
 * without credentials), fetches what the entity cache has never seen, and writes one enrichment raw object per
 * such week (`raw/spotify/<chart>/week=<date>/enrichment-<fetched-at>.json`), whose object-created event makes
 * the transform rebuild the week from all its raw objects. Resumable: what was fetched stays in the cache.
 */
export async function handleEnrich(event: EnrichEvent, context: EnrichContext): Promise<EnrichResult> {
  const log = context.log ?? silentLogger;
  const selected = await readLakeWeeks(context.store, event);
  const todo = weeksToEnrich(selected);
  log.log('info', 'weeks to enrich', { selected: selected.length, todo: todo.length });
  const rawKeys: string[] = [];
  const weeks: ChartWeek[] = [];
  if (todo.length === 0) {
    return { rawKeys, weeks, alreadyEnriched: selected.length, requests: 0, fetched: { tracks: 0, albums: 0, artists: 0 }, apiMode: 'none' };
  }
  const result = await enrichWeeks({
    options: context.options,
    store: context.store,
    weeks: todo.map((week) => ({
      chart: week.chart,
      week: week.week,
      trackIds: week.trackIds,
      artistIds: week.entries.flatMap((entry) => (entry.artists ?? []).map((a) => a.id)).filter((id) => id !== ''),
    })),
    log,
    now: context.now,
    sleep: context.sleep,
    onProgress: context.onProgress,
    onWeek: async (envelope) => {
      const chartWeek = { chart: envelope.chart.alias, week: envelope.chart.date };
      const key = rawEnrichmentKey(chartWeek, envelope.fetched_at);
      await context.store.put(key, JSON.stringify(envelope));
      rawKeys.push(key);
      weeks.push(chartWeek);
    },
  });
  log.log('info', 'enriched', { weeks: weeks.length, requests: result.requests, api_mode: result.apiMode });
  return { rawKeys, weeks, alreadyEnriched: selected.length - todo.length, requests: result.requests, fetched: result.fetched, apiMode: result.apiMode };
}
