/**
 * The public face of the sources layer: one chart week from Spotify, enriched, as a raw envelope.
 * Only this layer speaks HTTP to Spotify. The entity cache is written only after the envelope is complete.
 */
import type { ObjectStore } from '../store';
import { isIsoDate } from '../store/keys';
import { fetchChartsServiceWeek, listChartsServiceCharts, type ChartsServiceChart } from './charts-service';
import { enrich, type EnrichResult } from './enrich';
import { emptyEntitySet, EntityCache } from './entity-cache';
import {
  RAW_SCHEMA_VERSION,
  idFromUri,
  regionOfAlias,
  type ApiMode,
  type ChartsServiceEnvelope,
  type PlaylistEnvelope,
  type RawEnvelope,
} from './envelope';
import { SpotifySourceError } from './errors';
import { runFailure, runHttpClient, type HttpClient } from './http';
import { makeLog, type Log, type SourceLogger } from './log';
import { parseSource, resolveOptions, type ResolvedSourceOptions, type SpotifySourceOptions } from './options';
import { fetchPlaylistWeek } from './playlist';
import { Redactor } from './redact';
import { credentialsWebApi, type WebApi } from './web-api';

export { DEFAULT_SPOTIFY_SOURCE_OPTIONS } from './options';
export type { SpotifySourceOptions } from './options';
export { SpotifySourceError, isSourceError, type SourceErrorCode } from './errors';
export type { LogFunction, SourceLogger } from './log';
export { DEFAULT_PLAYLIST_ID, isSpotifyOwnedPlaylistId } from './playlist';
export { CHARTS_TOKEN_HELP } from './charts-service';
export type { ChartsServiceChart } from './charts-service';

/** The earliest week the charts service has for any chart (Spotify Charts' history begins here). */
export const CHARTS_HISTORY_START = '2016-12-29';
export { DEFAULT_CACHE_PREFIX } from './entity-cache';
export { enrichWeeks } from './lake-enrichment';
export { ARTIST_NAMES_WITH_COMMAS, splitArtistNames } from './artist-names';
export type { EnrichProgress, EnrichWeeksArgs, EnrichWeeksResult, WeekToEnrich } from './lake-enrichment';
export { envelopeProblem, idFromUri } from './envelope';
export type { EnrichmentEnvelope } from './envelope';

/** The project's `Logger` (`src/log`) or a function `(level, message, fields) => void`. */
export type Logger = SourceLogger;

export interface FetchChartWeekArgs {
  options: SpotifySourceOptions;
  /** Chart alias, e.g. `regional-global-weekly`. */
  chart: string;
  /** `YYYY-MM-DD`; undefined = the latest chart. */
  week?: string;
  /** Holds the entity cache (`cache/spotify/`). */
  store: ObjectStore;
  log?: Logger;
  now?: () => Date;
  /** Waits between retries (tests pass a fast or recording one). */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
}

export async function fetchChartWeek(args: FetchChartWeekArgs): Promise<RawEnvelope> {
  const redactor = new Redactor();
  redactor.add(args.options.clientSecret);
  redactor.add(args.options.chartsToken);
  const log = makeLog(args.log, redactor);
  const what = `${args.chart} ${args.week ?? 'latest'}`;
  try {
    const options = resolveOptions(args.options);
    if (!/^[a-z0-9][a-z0-9-]*-weekly$/.test(args.chart)) {
      throw new SpotifySourceError('CONFIG', `"${args.chart}" is not a weekly chart alias (e.g. regional-global-weekly)`);
    }
    if (args.week !== undefined && !isIsoDate(args.week)) {
      throw new SpotifySourceError('CONFIG', `week "${args.week}" is not a date YYYY-MM-DD`);
    }
    const run = new Run(options, args, log, redactor);
    return await run.fetch();
  } catch (error) {
    throw runFailure(error, `could not fetch the chart week ${what}`, log, redactor);
  }
}

/** The charts the Spotify Charts service offers (its public route: aliases, regions, first and latest weeks). */
export async function listCharts(args: { options: SpotifySourceOptions; log?: Logger; sleep?: (ms: number) => Promise<void> }): Promise<ChartsServiceChart[]> {
  const redactor = new Redactor();
  const log = makeLog(args.log, redactor);
  const options = resolveOptions(args.options);
  const http = runHttpClient(options, log, redactor, args.sleep);
  try {
    return await listChartsServiceCharts({ http, baseUrl: options.chartsBaseUrl, log });
  } catch (error) {
    const message = redactor.redact(error instanceof Error ? error.message : String(error));
    throw new SpotifySourceError(error instanceof SpotifySourceError ? error.code : 'HTTP', `could not list the charts of the Spotify Charts service: ${message}`);
  }
}

/**
 * Each chart's first week at the charts service (its `earliestDate`), never before Spotify Charts' history began;
 * when the service cannot be asked, every chart's history is taken to begin with Spotify Charts' (logged).
 */
export async function chartHistoryStarts(options: SpotifySourceOptions, charts: readonly string[], logger?: Logger): Promise<Map<string, string>> {
  let offered: ChartsServiceChart[] = [];
  try {
    offered = await listCharts({ options, log: logger });
  } catch (error) {
    makeLog(logger, new Redactor())('warn', `${(error as Error).message}; taking every chart's history to begin ${CHARTS_HISTORY_START}`);
  }
  return new Map(
    charts.map((chart) => {
      const earliest = offered.find((offer) => offer.alias === chart)?.earliestDate;
      return [chart, earliest && earliest > CHARTS_HISTORY_START ? earliest : CHARTS_HISTORY_START];
    }),
  );
}

/** One extract run: its own retry budget, token, API mode detection and cache view. */
class Run {
  private readonly http: HttpClient;
  private readonly fetchedAt: Date;

  constructor(
    private readonly options: ResolvedSourceOptions,
    private readonly args: FetchChartWeekArgs,
    private readonly log: Log,
    private readonly redactor: Redactor,
  ) {
    this.fetchedAt = (args.now ?? (() => new Date()))();
    this.http = runHttpClient(options, log, redactor, args.sleep, args.random);
  }

  async fetch(): Promise<RawEnvelope> {
    const source = parseSource(this.options.source);
    const envelope = source.kind === 'charts-service' ? await this.chartsService() : await this.playlist(source.playlistId);
    this.log('info', 'chart week fetched', {
      chart: envelope.chart.alias,
      week: envelope.chart.date,
      entries: envelope.entries.length,
      apiMode: envelope.source.api_mode,
      retries: this.http.budget.used,
    });
    return envelope;
  }

  private async chartsService(): Promise<ChartsServiceEnvelope> {
    const week = await fetchChartsServiceWeek({
      http: this.http,
      baseUrl: this.options.chartsBaseUrl,
      token: this.options.chartsToken,
      chart: this.args.chart,
      week: this.args.week,
      redactor: this.redactor,
      log: this.log,
    });
    const trackIds = week.entries.map((e) => idFromUri(e.trackMetadata.trackUri, 'track') ?? '');
    const artistIds = week.entries.flatMap((e) =>
      e.trackMetadata.artists.map((a) => idFromUri(a.spotifyUri, 'artist')).filter((id): id is string => id !== undefined),
    );
    const api = this.webApi();
    const enriched = api ? await this.enrichWith(api, { trackIds, artistIds }) : undefined;
    const envelope: ChartsServiceEnvelope = {
      schema_version: RAW_SCHEMA_VERSION,
      chart: { alias: week.alias, region: week.region, recurrence: 'weekly', date: week.date },
      source: { kind: 'charts-service', endpoint: week.endpoint, api_mode: enriched?.apiMode ?? 'none' },
      fetched_at: this.fetchedAt.toISOString(),
      entries: week.entries,
      ...entityMaps(enriched),
    };
    await this.commit(enriched);
    return envelope;
  }

  private async playlist(playlistId: string): Promise<PlaylistEnvelope> {
    const api = this.webApi();
    if (!api) {
      throw new SpotifySourceError('CONFIG', 'the playlist source reads the Web API: set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET');
    }
    const playlist = await fetchPlaylistWeek({ api, apiBaseUrl: this.options.apiBaseUrl, playlistId, log: this.log });
    const enriched = await this.enrichWith(api, { trackIds: [...playlist.tracks.keys()], givenTracks: playlist.tracks });
    const envelope: PlaylistEnvelope = {
      schema_version: RAW_SCHEMA_VERSION,
      chart: {
        alias: this.args.chart,
        region: regionOfAlias(this.args.chart) ?? 'global',
        recurrence: 'weekly',
        date: this.args.week ?? latestChartDate(this.fetchedAt),
      },
      source: { kind: 'playlist', endpoint: playlist.endpoint, api_mode: enriched.apiMode },
      fetched_at: this.fetchedAt.toISOString(),
      entries: playlist.entries,
      ...entityMaps(enriched),
    };
    await this.commit(enriched);
    return envelope;
  }

  private cache: EntityCache | undefined;

  private async enrichWith(api: WebApi, input: Parameters<typeof enrich>[0]): Promise<EnrichResult> {
    this.cache = await EntityCache.load(this.args.store, this.options.cachePrefix, this.log);
    return enrich(input, {
      api,
      cache: this.cache,
      now: this.fetchedAt,
      artistMaxAgeDays: this.options.artistMaxAgeDays,
      log: this.log,
    });
  }

  /** Called once the envelope is complete. A cache that cannot be written costs requests later, not this week. */
  private async commit(enriched: EnrichResult | undefined): Promise<void> {
    if (!enriched || !this.cache) return;
    try {
      await this.cache.commit(enriched.fresh, enriched.apiMode, this.fetchedAt, this.options.cacheMaxSegments);
    } catch (error) {
      this.log('warn', 'could not update the entity cache; the next run will fetch these objects again', {
        problem: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private webApi(): WebApi | undefined {
    const api = credentialsWebApi(this.http, this.options, this.log, this.redactor);
    if (!api) this.log('info', 'no Spotify client credentials: the week is stored without enrichment (api_mode none)', {});
    return api;
  }
}

function entityMaps(enriched: EnrichResult | undefined): Pick<RawEnvelope, 'tracks' | 'albums' | 'artists'> {
  const entities = enriched?.entities ?? emptyEntitySet();
  return {
    tracks: Object.fromEntries(entities.tracks),
    albums: Object.fromEntries(entities.albums),
    artists: Object.fromEntries(entities.artists),
  };
}

/** The newest chart date due at `now`: the Thursday at least one day before (charts appear on Friday). */
export function latestChartDate(now: Date): string {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  day.setUTCDate(day.getUTCDate() - 1);
  while (day.getUTCDay() !== 4) day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}

export type { ApiMode, RawEnvelope };
export {
  fetchSongCredits,
  readCreditLookupState,
  musicBrainzOptionsFromEnv,
  musicBrainzUserAgent,
  MusicBrainzClient,
  MusicBrainzError,
  Pacer,
  DEFAULT_MUSICBRAINZ_OPTIONS,
  MUSICBRAINZ_BASE_URL,
  RECORDING_INCLUDES,
  WRITER_ROLES,
} from './musicbrainz';
export type {
  CreditsProgress,
  FetchSongCreditsOptions,
  FetchSongCreditsResult,
  MusicBrainzAnswer,
  MusicBrainzLookup,
  MusicBrainzOptions,
} from './musicbrainz';
