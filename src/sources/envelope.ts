/**
 * The raw envelope: one JSON object per extract run, stored under `raw/spotify/...` and never modified
 * (DESIGN.md, "Raw JSON"). API objects are kept as Spotify returned them; fields an app mode drops are absent.
 */

export const RAW_SCHEMA_VERSION = 1;

/** `enrichment`: Web API objects fetched later for a week already in the lake (`chartlake enrich`); no entries. */
export type SourceKind = 'charts-service' | 'playlist' | 'enrichment';
export type ApiMode = 'development' | 'extended' | 'none';

export interface ChartRef {
  /** Spotify's alias, e.g. `regional-global-weekly`. */
  alias: string;
  /** `global` or an ISO country code in lower case. */
  region: string;
  recurrence: 'weekly';
  /** The chart's own date, `YYYY-MM-DD` (last day of the chart week). */
  date: string;
}

export interface SourceRef {
  kind: SourceKind;
  /** The URL the chart came from, without credentials or tokens. */
  endpoint: string;
  /** How the Web API answered enrichment: `none` when nothing was enriched. */
  api_mode: ApiMode;
}

/** One entry of `chartEntryViewResponses[].entries[]` of the Spotify Charts web service. */
export interface ChartsServiceEntry {
  chartEntryData: {
    currentRank: number;
    /** -1 for a new entry. */
    previousRank: number;
    peakRank: number;
    peakDate?: string;
    appearancesOnChart: number;
    consecutiveAppearancesOnChart: number;
    entryStatus: string;
    entryRank?: number;
    entryDate?: string;
    rankingMetric: { value: string; type: string };
  };
  missingRequiredFields?: boolean;
  trackMetadata: {
    trackName: string;
    trackUri: string;
    displayImageUri?: string;
    artists: { name: string; spotifyUri: string; externalUrl?: string }[];
    producers?: { name: string; spotifyUri?: string }[];
    labels: { name: string }[];
    songWriters?: { name: string }[];
    releaseDate: string;
  };
}

/** One item of `GET /v1/playlists/{id}/items`: the object is under `item` (2026) or `track` (older answers). */
export interface PlaylistItemEntry {
  added_at?: string | null;
  item?: SpotifyTrack | null;
  track?: SpotifyTrack | null;
}

export interface SpotifyImage {
  url: string;
  height: number | null;
  width: number | null;
}

export interface SpotifySimplifiedArtist {
  id: string;
  name: string;
  type: 'artist';
  uri: string;
  href?: string;
  external_urls?: { spotify?: string };
}

export interface SpotifySimplifiedAlbum {
  id: string;
  name: string;
  album_type: string;
  total_tracks: number;
  release_date: string;
  release_date_precision: 'year' | 'month' | 'day';
  artists: SpotifySimplifiedArtist[];
  type: 'album';
  uri: string;
  href?: string;
  images?: SpotifyImage[];
  external_urls?: { spotify?: string };
  available_markets?: string[];
}

export interface SpotifyTrack {
  id: string;
  name: string;
  type: 'track';
  uri: string;
  href?: string;
  album: SpotifySimplifiedAlbum;
  artists: SpotifySimplifiedArtist[];
  duration_ms: number;
  explicit: boolean;
  track_number: number;
  disc_number: number;
  is_local: boolean;
  external_urls?: { spotify?: string };
  /** Absent for Development Mode apps. */
  popularity?: number;
  available_markets?: string[];
  external_ids?: { isrc?: string; ean?: string; upc?: string };
}

export interface SpotifyAlbum extends SpotifySimplifiedAlbum {
  label?: string;
  genres?: string[];
  copyrights?: { text: string; type: string }[];
  popularity?: number;
  external_ids?: { isrc?: string; ean?: string; upc?: string };
}

export interface SpotifyArtist {
  id: string;
  name: string;
  type: 'artist';
  uri: string;
  href?: string;
  genres?: string[];
  images?: SpotifyImage[];
  external_urls?: { spotify?: string };
  /** Absent for Development Mode apps. */
  popularity?: number;
  followers?: { href: string | null; total: number };
}

interface EnvelopeBase {
  schema_version: typeof RAW_SCHEMA_VERSION;
  chart: ChartRef;
  fetched_at: string;
  tracks: Record<string, SpotifyTrack>;
  albums: Record<string, SpotifyAlbum>;
  artists: Record<string, SpotifyArtist>;
}

export interface ChartsServiceEnvelope extends EnvelopeBase {
  source: SourceRef & { kind: 'charts-service' };
  entries: ChartsServiceEntry[];
}

export interface PlaylistEnvelope extends EnvelopeBase {
  source: SourceRef & { kind: 'playlist' };
  entries: PlaylistItemEntry[];
}

/**
 * What `chartlake enrich` fetched for a week already in the lake (CSV import, unenriched extract): the track,
 * album and artist objects of the week's tracks, no entries. The week's tables are built from all its raw objects.
 */
export interface EnrichmentEnvelope extends EnvelopeBase {
  source: SourceRef & {
    kind: 'enrichment';
    /** Track ids of the week that Spotify did not know (404 / null): asked once, not again by later runs. */
    not_found?: string[];
  };
  entries: [];
}

export type RawEnvelope = ChartsServiceEnvelope | PlaylistEnvelope | EnrichmentEnvelope;

/** `spotify:track:<id>` → `<id>`; `undefined` when the URI is not of that kind. */
export function idFromUri(uri: string, kind: 'track' | 'artist' | 'album'): string | undefined {
  const match = new RegExp(`^spotify:${kind}:([0-9A-Za-z]{22})$`).exec(uri);
  return match ? match[1] : undefined;
}

/** The alias of a region's weekly chart (`global` → `regional-global-weekly`). */
export function weeklyChartAlias(region: string): string {
  return `regional-${region}-weekly`;
}

/** The region of an alias such as `regional-us-weekly`. */
export function regionOfAlias(alias: string): string | undefined {
  const match = /^regional-([a-z0-9]+)-weekly$/.exec(alias);
  return match ? match[1] : undefined;
}

/**
 * Checks that a parsed JSON value is a raw envelope this code can transform; the message names what is wrong.
 * Deep validation of each entry happens in the transform's quality gates.
 */
export function envelopeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object';
  const v = value as Record<string, unknown>;
  if (v.schema_version !== RAW_SCHEMA_VERSION) return `schema_version is ${JSON.stringify(v.schema_version)}, expected ${RAW_SCHEMA_VERSION}`;
  const chart = v.chart as Record<string, unknown> | undefined;
  if (!chart || typeof chart.alias !== 'string' || typeof chart.date !== 'string' || typeof chart.region !== 'string') {
    return 'chart {alias, region, date} is missing';
  }
  const source = v.source as Record<string, unknown> | undefined;
  if (!source || (source.kind !== 'charts-service' && source.kind !== 'playlist' && source.kind !== 'enrichment')) {
    return `source.kind is ${JSON.stringify(source?.kind)}, expected "charts-service", "playlist" or "enrichment"`;
  }
  if (typeof v.fetched_at !== 'string') return 'fetched_at is missing';
  if (!Array.isArray(v.entries)) return 'entries is not an array';
  if (source.kind === 'enrichment' && v.entries.length > 0) return 'an enrichment envelope has entries; it must have none';
  if (source.kind === 'enrichment' && source.api_mode !== 'development' && source.api_mode !== 'extended') {
    return `an enrichment envelope's source.api_mode is ${JSON.stringify(source.api_mode)}, expected "development" or "extended"`;
  }
  for (const field of ['tracks', 'albums', 'artists']) {
    const map = v[field];
    if (typeof map !== 'object' || map === null || Array.isArray(map)) return `${field} is not an object keyed by id`;
  }
  return undefined;
}
