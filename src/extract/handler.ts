import { fetchChartWeek, isSourceError, type SpotifySourceOptions } from '../sources';
import { silentLogger, type Logger } from '../log';
import { isEnrichmentKey, rawSpotifyKey, rawWeekPrefix, withWeekLock, type ObjectStore } from '../store';
import type { ApiMode, RawEnvelope } from '../sources/envelope';
import { dueChartWeek, WeekNotPublishedError } from './due-week';

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
  /**
   * Without `event.week`, extract the week that is due at `now` (the weekly schedule, on AWS): a source that
   * still serves an older week fails with the retryable `WeekNotPublishedError`, and the extract holds the
   * week's lock so a doubled delivery writes one raw object. Off: the latest week the source has (a demo).
   */
  dueWeek?: boolean;
  /** How long a second extract of the same week waits for the first (default 2 min). */
  lockWaitMs?: number;
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
  const chart = event.chart ?? DEFAULT_CHART;
  if (context.dueWeek && !event.week) {
    const now = (context.now ?? (() => new Date()))();
    const week = dueChartWeek(now);
    // One extract of a week at a time: a duplicate delivery waits, then finds the raw object and skips.
    return withWeekLock(context.store, { chart, week }, 'extract', () => extractDueWeek(chart, week, now, event, context), {
      waitMs: context.lockWaitMs ?? 120_000,
      now: context.now,
    });
  }
  return extractWeek(chart, event, context);
}

async function extractWeek(chart: string, event: ExtractEvent, context: ExtractContext): Promise<ExtractResult> {
  const log = context.log ?? silentLogger;
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
  return writeRaw(chart, envelope, context);
}

/** The due week, under its lock: skipped when raw/ has it, else fetched; an older week served means "not yet". */
async function extractDueWeek(chart: string, week: string, now: Date, event: ExtractEvent, context: ExtractContext): Promise<ExtractResult> {
  const log = context.log ?? silentLogger;
  if (!event.force) {
    const existing = await existingRaw(context.store, chart, week);
    if (existing) {
      log.log('info', 'due week already extracted', { chart, week, raw: existing });
      return { chart, week, rawKey: existing, entries: 0, apiMode: 'none', skipped: true };
    }
  }
  // With a charts token the service is asked for the due week itself; without one, for the latest it has.
  const byDate = Boolean(context.options.chartsToken);
  let envelope: RawEnvelope;
  try {
    envelope = await fetchChartWeek({ options: context.options, chart, week: byDate ? week : undefined, store: context.store, log, now: context.now });
  } catch (error) {
    if (byDate && isSourceError(error) && error.code === 'NOT_FOUND') throw notPublished(chart, week, undefined, now, log);
    throw error;
  }
  const served = envelope.chart.date;
  if (served < week) throw notPublished(chart, week, served, now, log);
  if (served > week && !event.force) {
    // Published before the moment it is due (an early week): keep it, under its own week, unless raw/ has it.
    const existing = await existingRaw(context.store, chart, served);
    if (existing) return { chart, week: served, rawKey: existing, entries: envelope.entries.length, apiMode: envelope.source.api_mode, skipped: true };
  }
  return writeRaw(chart, envelope, context);
}

function notPublished(chart: string, week: string, served: string | undefined, now: Date, log: Logger): WeekNotPublishedError {
  const error = new WeekNotPublishedError(chart, week, served, now);
  // "week overdue" is what the stack's log metric counts: a week that never arrives is reported, not silent.
  log.log(error.overdue ? 'error' : 'warn', error.overdue ? 'week overdue' : 'week not published yet', { chart, week, served, retryable: true });
  return error;
}

async function writeRaw(chart: string, envelope: RawEnvelope, context: ExtractContext): Promise<ExtractResult> {
  const log = context.log ?? silentLogger;
  const week = envelope.chart.date;
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
