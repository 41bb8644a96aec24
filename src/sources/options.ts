/** Configuration of the Spotify sources (built by the config layer; tests point the base URLs at the demo server). */
import { SpotifySourceError } from './errors';
import { DEFAULT_CACHE_PREFIX } from './entity-cache';
import { DEFAULT_PLAYLIST_ID } from './playlist';

export interface SpotifySourceOptions {
  /** `charts-service`, `playlist` (Top 50 - Global) or `playlist:<id>`. */
  source: string;
  chartsBaseUrl: string;
  apiBaseUrl: string;
  accountsBaseUrl: string;
  /** Bearer token of a logged-in charts.spotify.com session (any week, 200 entries); without it: latest 50. */
  chartsToken?: string;
  /** Without both, enrichment is skipped and `api_mode` is `none`. */
  clientId?: string;
  clientSecret?: string;
  apiMode: 'auto' | 'development' | 'extended';
  /** Web API requests in flight at once. */
  concurrency: number;
  /** Cached artists older than this are fetched again (followers, popularity and genres change). */
  artistMaxAgeDays: number;
  requestTimeoutMs: number;
  /** Retries (429, 5xx, resets, timeouts, token refreshes) allowed in one run, all requests together. */
  retryBudget: number;
  /** Attempts of one request before the run gives up on it (default 6). */
  maxAttemptsPerRequest?: number;
  /** First backoff step after a 5xx or a network error (doubles each attempt, with jitter; default 500 ms). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Longest `Retry-After` wait honoured (default 60 s); longer ones are cut to this and logged. */
  retryAfterCapMs?: number;
  /** Multiplies `Retry-After` (default 1; tests use a small factor). */
  retryAfterScale?: number;
  /** A 429 whose `Retry-After` is longer than this stops the run as a spent quota (default 10 min). */
  quotaStopAfterMs?: number;
  /** Where the entity cache lives in the lake (default `cache/spotify/`). */
  cachePrefix?: string;
  /** Segments of the entity cache before they are merged into one (default 12). */
  cacheMaxSegments?: number;
}

export type ResolvedSourceOptions = Required<Omit<SpotifySourceOptions, 'chartsToken' | 'clientId' | 'clientSecret'>> &
  Pick<SpotifySourceOptions, 'chartsToken' | 'clientId' | 'clientSecret'>;

export const DEFAULT_SPOTIFY_SOURCE_OPTIONS: SpotifySourceOptions = Object.freeze({
  source: 'charts-service',
  chartsBaseUrl: 'https://charts-spotify-com-service.spotify.com',
  apiBaseUrl: 'https://api.spotify.com',
  accountsBaseUrl: 'https://accounts.spotify.com',
  apiMode: 'auto',
  concurrency: 4,
  artistMaxAgeDays: 28,
  requestTimeoutMs: 15_000,
  retryBudget: 100,
  maxAttemptsPerRequest: 6,
  backoffBaseMs: 500,
  backoffMaxMs: 30_000,
  retryAfterCapMs: 60_000,
  retryAfterScale: 1,
  quotaStopAfterMs: 600_000,
  cachePrefix: DEFAULT_CACHE_PREFIX,
  cacheMaxSegments: 12,
} as const);

/** Defaults for every field the caller left out (or set to `undefined`), then a sanity check. */
export function resolveOptions(options: SpotifySourceOptions): ResolvedSourceOptions {
  const merged: Record<string, unknown> = { ...DEFAULT_SPOTIFY_SOURCE_OPTIONS };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) merged[key] = value;
  const resolved = merged as ResolvedSourceOptions;
  const positive = ['concurrency', 'requestTimeoutMs', 'maxAttemptsPerRequest', 'cacheMaxSegments'] as const;
  for (const key of positive) {
    if (!Number.isFinite(resolved[key]) || resolved[key] < 1) throw new SpotifySourceError('CONFIG', `${key} must be at least 1, got ${resolved[key]}`);
  }
  const nonNegative = ['artistMaxAgeDays', 'retryBudget', 'backoffBaseMs', 'backoffMaxMs', 'retryAfterCapMs', 'retryAfterScale', 'quotaStopAfterMs'] as const;
  for (const key of nonNegative) {
    if (!Number.isFinite(resolved[key]) || resolved[key] < 0) throw new SpotifySourceError('CONFIG', `${key} must be zero or more, got ${resolved[key]}`);
  }
  if (!['auto', 'development', 'extended'].includes(resolved.apiMode)) {
    throw new SpotifySourceError('CONFIG', `apiMode must be auto, development or extended, got ${String(resolved.apiMode)}`);
  }
  if (!resolved.cachePrefix.endsWith('/')) resolved.cachePrefix += '/';
  return resolved;
}

export type ParsedSource = { kind: 'charts-service' } | { kind: 'playlist'; playlistId: string };

export function parseSource(source: string): ParsedSource {
  if (source === 'charts-service') return { kind: 'charts-service' };
  if (source === 'playlist') return { kind: 'playlist', playlistId: DEFAULT_PLAYLIST_ID };
  const match = /^playlist:(.+)$/.exec(source);
  if (match) return { kind: 'playlist', playlistId: match[1] };
  throw new SpotifySourceError('CONFIG', `unknown source "${source}" (expected charts-service, playlist or playlist:<id>)`);
}
