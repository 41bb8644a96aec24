/**
 * Enrichment of weeks already in the lake (`chartlake enrich`): the same Web API client, modes and entity cache
 * as the weekly extract, over many weeks at once. It fetches in three phases over every week together — all
 * unseen tracks, then their unseen albums, then the unseen artists — so Extended Quota Mode costs ⌈n/50⌉,
 * ⌈n/20⌉ and ⌈n/50⌉ requests for the whole run, not per week. What arrives is flushed to the entity cache every
 * `flushEvery` entities (and whatever arrived before a failure is flushed too), so a stopped run loses at most
 * one unflushed chunk, and the next run asks only for what the cache still lacks. Once every object is known,
 * each week gets one enrichment envelope, assembled from the cache by `enrich` (no request).
 */
import type { ObjectStore } from '../store';
import { enrich } from './enrich';
import { emptyEntitySet, EntityCache, type EntitySet } from './entity-cache';
import { RAW_SCHEMA_VERSION, regionOfAlias, type ApiMode, type EnrichmentEnvelope, type SpotifyAlbum, type SpotifyArtist, type SpotifyTrack } from './envelope';
import { SpotifySourceError } from './errors';
import { runFailure, runHttpClient } from './http';
import { makeLog, type Log, type SourceLogger } from './log';
import { resolveOptions, type ResolvedSourceOptions, type SpotifySourceOptions } from './options';
import { publicUrl, Redactor } from './redact';
import { BATCH_SIZE, credentialsWebApi, type EntityKind, type WebApi } from './web-api';

export interface WeekToEnrich {
  chart: string;
  /** `YYYY-MM-DD`. */
  week: string;
  /** The week's track ids, in chart order. */
  trackIds: readonly string[];
  /** Artist ids the week's own raw objects name (charts service), besides those of the tracks and albums. */
  artistIds?: readonly string[];
}

export interface EnrichProgress {
  phase: EntityKind;
  /** Entities fetched (or found missing) so far this run. */
  fetched: number;
  /** Entities this run has to fetch, as far as known: albums and artists are counted once their tracks are in. */
  toFetch: number;
  /** Web API requests this run made. */
  requests: number;
}

export interface EnrichWeeksArgs {
  options: SpotifySourceOptions;
  /** Holds the entity cache. */
  store: ObjectStore;
  weeks: readonly WeekToEnrich[];
  /** Receives each week's envelope once every object of the week is known; the caller stores it. */
  onWeek: (envelope: EnrichmentEnvelope) => Promise<void>;
  onProgress?: (progress: EnrichProgress) => void;
  /** Entities between two cache flushes (default 50 single gets, or 4 batches in Extended Quota Mode). */
  flushEvery?: number;
  log?: SourceLogger;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface EnrichWeeksResult {
  apiMode: ApiMode;
  requests: number;
  fetched: { tracks: number; albums: number; artists: number };
  weeks: number;
}

export async function enrichWeeks(args: EnrichWeeksArgs): Promise<EnrichWeeksResult> {
  const redactor = new Redactor();
  redactor.add(args.options.clientSecret);
  const log = makeLog(args.log, redactor);
  try {
    const options = resolveOptions(args.options);
    const api = credentialsWebApi(runHttpClient(options, log, redactor, args.sleep, args.random), options, log, redactor);
    if (!api) throw new SpotifySourceError('CONFIG', 'enrichment reads the Spotify Web API: set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET');
    const cache = await EntityCache.load(args.store, options.cachePrefix, log);
    return await new LakeEnrichment(args, options, api, cache, log).run();
  } catch (error) {
    const failure = runFailure(error, 'enrichment stopped', log, redactor);
    if (failure instanceof SpotifySourceError && failure.code === 'QUOTA_EXCEEDED') {
      failure.message += ' Everything fetched so far is kept in the entity cache: the same command continues where this one stopped.';
    }
    throw failure;
  }
}

class LakeEnrichment {
  private readonly now: Date;
  private fetched = 0;
  private toFetch = 0;
  private readonly counts = { tracks: 0, albums: 0, artists: 0 };

  constructor(
    private readonly args: EnrichWeeksArgs,
    private readonly options: ResolvedSourceOptions,
    private readonly api: WebApi,
    private readonly cache: EntityCache,
    private readonly log: Log,
  ) {
    this.now = (args.now ?? (() => new Date()))();
  }

  async run(): Promise<EnrichWeeksResult> {
    const weeks = this.args.weeks;
    const trackIds = unique(weeks.flatMap((w) => w.trackIds));
    await this.phase('tracks', trackIds.filter((id) => !this.cache.track(id)));

    const tracks = trackIds.map((id) => this.cache.track(id)?.object).filter((t): t is SpotifyTrack => t !== undefined);
    const albumIds = unique(tracks.map((t) => t.album.id));
    await this.phase('albums', albumIds.filter((id) => !this.cache.album(id)));

    const albums = albumIds.map((id) => this.cache.album(id)?.object).filter((a): a is SpotifyAlbum => a !== undefined);
    const artistIds = unique([
      ...tracks.flatMap((t) => t.artists.map((a) => a.id)),
      ...albums.flatMap((a) => a.artists.map((artist) => artist.id)),
      ...weeks.flatMap((w) => w.artistIds ?? []),
    ]);
    await this.phase('artists', artistIds.filter((id) => !this.freshArtist(id)));

    for (const week of weeks) await this.writeWeek(week);
    const apiMode: ApiMode = this.api.mode ?? this.cache.lastApiMode ?? 'development';
    this.log('info', 'lake enrichment done', { weeks: weeks.length, requests: this.api.requests, apiMode, ...this.counts });
    return { apiMode, requests: this.api.requests, fetched: { ...this.counts }, weeks: weeks.length };
  }

  /** Artists are refetched past the refresh age, as in the weekly extract. */
  private freshArtist(id: string): boolean {
    const cached = this.cache.artist(id);
    return cached !== undefined && this.now.getTime() - Date.parse(cached.fetched_at) <= this.options.artistMaxAgeDays * 86_400_000;
  }

  /** Fetches `ids` chunk by chunk; each chunk's objects reach the cache before the next chunk starts. */
  private async phase(kind: EntityKind, ids: string[]): Promise<void> {
    this.toFetch += ids.length;
    this.report(kind);
    const chunkSize = this.args.flushEvery ?? (this.api.mode === 'extended' ? 4 * BATCH_SIZE[kind] : 50);
    for (let start = 0; start < ids.length; start += chunkSize) {
      const chunk = ids.slice(start, start + chunkSize);
      const arrived = new Map<string, SpotifyTrack | SpotifyAlbum | SpotifyArtist>();
      try {
        await this.api.fetch<SpotifyTrack | SpotifyAlbum | SpotifyArtist>(kind, chunk, (id, entity) => arrived.set(id, entity));
      } finally {
        // Also after a failure (a spent quota): what arrived is kept, the next run does not ask for it again.
        await this.flush(kind, arrived);
      }
      this.fetched += chunk.length;
      this.report(kind);
    }
  }

  private async flush(kind: EntityKind, arrived: Map<string, SpotifyTrack | SpotifyAlbum | SpotifyArtist>): Promise<void> {
    if (arrived.size === 0) return;
    const set: EntitySet = { ...emptyEntitySet(), [kind]: arrived };
    this.counts[kind] += arrived.size;
    await this.cache.commit(set, this.api.mode ?? 'development', this.now, this.options.cacheMaxSegments);
  }

  private async writeWeek(week: WeekToEnrich): Promise<void> {
    const known = week.trackIds.filter((id) => this.cache.track(id));
    const notFound = unique(week.trackIds.filter((id) => !this.cache.track(id)));
    // Every object is in the cache by now: `enrich` assembles the week exactly as the weekly extract does.
    const result = await enrich(
      { trackIds: known, artistIds: week.artistIds },
      { api: this.api, cache: this.cache, now: this.now, artistMaxAgeDays: this.options.artistMaxAgeDays, log: () => undefined },
    );
    if (result.fresh.tracks.size + result.fresh.albums.size + result.fresh.artists.size > 0) {
      await this.cache.commit(result.fresh, result.apiMode, this.now, this.options.cacheMaxSegments);
    }
    const envelope: EnrichmentEnvelope = {
      schema_version: RAW_SCHEMA_VERSION,
      chart: { alias: week.chart, region: regionOfAlias(week.chart) ?? week.chart, recurrence: 'weekly', date: week.week },
      source: {
        kind: 'enrichment',
        endpoint: publicUrl(this.options.apiBaseUrl),
        api_mode: this.api.mode ?? this.cache.lastApiMode ?? result.apiMode,
        ...(notFound.length > 0 ? { not_found: notFound } : {}),
      },
      fetched_at: this.now.toISOString(),
      entries: [],
      tracks: Object.fromEntries(result.entities.tracks),
      albums: Object.fromEntries(result.entities.albums),
      artists: Object.fromEntries(result.entities.artists),
    };
    await this.args.onWeek(envelope);
  }

  private report(phase: EnrichProgress['phase']): void {
    this.args.onProgress?.({ phase, fetched: this.fetched, toFetch: this.toFetch, requests: this.api.requests });
  }
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
