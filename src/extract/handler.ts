import { fetchChartWeek, type SpotifySourceOptions } from '../sources';
import { silentLogger, type Logger } from '../log';
import { isEnrichmentKey, rawSpotifyKey, rawWeekPrefix, type ObjectStore } from '../store';
import type { ApiMode } from '../sources/envelope';

/** What the schedule (EventBridge, or the local scheduler) hands the extract; every field is optional. */
export interface ExtractEvent {
  /** Chart alias; default `regional-global-weekly`. */
  chart?: string;
  /** Chart date `YYYY-MM-DD`; default the latest chart the source has. */
  week?: string;
  /** Extract again even when the lake already holds a raw object for the week. */
  force?: boolean;
}

export interface ExtractContext {
  store: ObjectStore;
  options: SpotifySourceOptions;
  log?: Logger;
  now?: () => Date;
}

export interface ExtractResult {
  chart: string;
  week: string;
  /** The raw object written, or the one already there when `skipped`. */
  rawKey: string;
  entries: number;
  apiMode: ApiMode;
  skipped: boolean;
}

export const DEFAULT_CHART = 'regional-global-weekly';

/**
 * The extract handler: fetches one chart week, enriches it, and writes one raw object (which triggers the
 * transform). Nothing is written when the week cannot be completed. A week already in the raw zone is not
 * fetched again unless `force` is set, so a retried or doubled schedule never duplicates a week.
 */
export async function handleExtract(event: ExtractEvent, context: ExtractContext): Promise<ExtractResult> {
  const log = context.log ?? silentLogger;
  const chart = event.chart ?? DEFAULT_CHART;
  if (event.week && !event.force) {
    const existing = await existingRaw(context.store, chart, event.week);
    if (existing) {
      log.log('info', 'week already extracted', { chart, week: event.week, raw: existing });
      return { chart, week: event.week, rawKey: existing, entries: 0, apiMode: 'none', skipped: true };
    }
  }
  const envelope = await fetchChartWeek({ options: context.options, chart, week: event.week, store: context.store, log, now: context.now });
  const week = envelope.chart.date;
  if (!event.week && !event.force) {
    const existing = await existingRaw(context.store, chart, week);
    if (existing) {
      log.log('info', 'latest week already extracted', { chart, week, raw: existing });
      return { chart, week, rawKey: existing, entries: envelope.entries.length, apiMode: envelope.source.api_mode, skipped: true };
    }
  }
  const rawKey = rawSpotifyKey({ chart, week }, envelope.fetched_at);
  await context.store.put(rawKey, JSON.stringify(envelope));
  log.log('info', 'extracted', { chart, week, raw: rawKey, entries: envelope.entries.length, api_mode: envelope.source.api_mode });
  return { chart, week, rawKey, entries: envelope.entries.length, apiMode: envelope.source.api_mode, skipped: false };
}

/** The newest raw object of a chart week from the Spotify sources, if any (enrichment objects hold no chart). */
export async function existingRaw(store: ObjectStore, chart: string, week: string): Promise<string | undefined> {
  const objects = (await store.list(rawWeekPrefix('spotify', { chart, week }))).filter((o) => !isEnrichmentKey(o.key));
  return objects.length > 0 ? objects[objects.length - 1].key : undefined;
}
