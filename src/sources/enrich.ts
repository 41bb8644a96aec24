/**
 * Enrichment: the week's tracks, then their albums, then every artist of those tracks and albums (and any
 * the chart names). Each object comes from the entity cache when it is there (artists only while younger
 * than the refresh age), otherwise from the Web API. The result holds every object the week needs, as
 * Spotify returned it; `fresh` holds what this run fetched, for the cache.
 */
import type { ApiMode, SpotifyAlbum, SpotifyArtist, SpotifyTrack } from './envelope';
import { emptyEntitySet, type CachedEntity, type EntityCache, type EntitySet } from './entity-cache';
import type { Log } from './log';
import type { EntityKind, WebApi } from './web-api';

export interface EnrichInput {
  /** Track ids in the order the week lists them. */
  trackIds: readonly string[];
  /** Artist ids the chart itself names (credited artists), besides those of the tracks and albums. */
  artistIds?: readonly string[];
  /** Track objects the source already returned (playlist items), so they are not fetched again. */
  givenTracks?: ReadonlyMap<string, SpotifyTrack>;
}

export interface EnrichContext {
  api: WebApi;
  cache: EntityCache;
  now: Date;
  artistMaxAgeDays: number;
  log: Log;
}

export interface EnrichResult {
  entities: EntitySet;
  fresh: EntitySet;
  apiMode: ApiMode;
}

export async function enrich(input: EnrichInput, ctx: EnrichContext): Promise<EnrichResult> {
  const entities = emptyEntitySet();
  const fresh = emptyEntitySet();
  const requestsBefore = ctx.api.requests;

  for (const [id, track] of input.givenTracks ?? []) {
    if (!ctx.cache.track(id)) fresh.tracks.set(id, track);
  }
  const tracks = await resolve<SpotifyTrack>('tracks', unique(input.trackIds), ctx, (id) => {
    const given = input.givenTracks?.get(id);
    return given ? { fetched_at: ctx.now.toISOString(), object: given } : ctx.cache.track(id);
  }, fresh.tracks);
  copyInOrder(input.trackIds, tracks, entities.tracks);

  const albumIds = unique([...entities.tracks.values()].map((t) => t.album.id));
  const albums = await resolve<SpotifyAlbum>('albums', albumIds, ctx, (id) => ctx.cache.album(id), fresh.albums);
  copyInOrder(albumIds, albums, entities.albums);

  const maxAgeMs = ctx.artistMaxAgeDays * 86_400_000;
  const artistIds = unique([
    ...[...entities.tracks.values()].flatMap((t) => t.artists.map((a) => a.id)),
    ...[...entities.albums.values()].flatMap((a) => a.artists.map((artist) => artist.id)),
    ...(input.artistIds ?? []),
  ]);
  const stale = new Map<string, SpotifyArtist>();
  const artists = await resolve<SpotifyArtist>('artists', artistIds, ctx, (id) => {
    const cached = ctx.cache.artist(id);
    if (!cached) return undefined;
    if (ctx.now.getTime() - Date.parse(cached.fetched_at) <= maxAgeMs) return cached;
    stale.set(id, cached.object);
    return undefined;
  }, fresh.artists);
  for (const [id, artist] of stale) {
    // Spotify no longer knows an artist we have: keep the old object rather than lose the artist.
    if (!artists.has(id)) artists.set(id, artist);
  }
  copyInOrder(artistIds, artists, entities.artists);

  const fetched = ctx.api.requests > requestsBefore;
  const apiMode: ApiMode = (fetched ? ctx.api.mode : ctx.cache.lastApiMode ?? ctx.api.mode) ?? 'development';
  ctx.log('info', 'enrichment done', {
    tracks: entities.tracks.size,
    albums: entities.albums.size,
    artists: entities.artists.size,
    fetchedTracks: fresh.tracks.size,
    fetchedAlbums: fresh.albums.size,
    fetchedArtists: fresh.artists.size,
    refreshedArtists: stale.size,
    requests: ctx.api.requests - requestsBefore,
    apiMode,
  });
  return { entities, fresh, apiMode };
}

/** Known objects from `lookup`, the rest from the API (recorded in `freshOut`). */
async function resolve<T extends { id: string }>(
  kind: EntityKind,
  ids: readonly string[],
  ctx: EnrichContext,
  lookup: (id: string) => CachedEntity<T> | undefined,
  freshOut: Map<string, T>,
): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  const missing: string[] = [];
  for (const id of ids) {
    const known = lookup(id);
    if (known) out.set(id, known.object);
    else missing.push(id);
  }
  const fetched = await ctx.api.fetch<T>(kind, missing);
  for (const [id, object] of fetched) {
    out.set(id, object);
    freshOut.set(id, object);
  }
  return out;
}

function copyInOrder<T>(ids: readonly string[], from: Map<string, T>, into: Map<string, T>): void {
  for (const id of ids) {
    const value = from.get(id);
    if (value !== undefined && !into.has(id)) into.set(id, value);
  }
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
