/**
 * Renders demo catalog records as the Spotify Web API and the Charts service answer them.
 * `development` mode leaves out what Development Mode apps no longer get (SPOTIFY.md, February 2026):
 * track and album `popularity`, `available_markets`, track `linked_from`; artist `popularity` and `followers`.
 * `external_ids` (ISRC, UPC) stays: Spotify reverted its removal in March 2026. Everything else is identical
 * in both modes.
 */
import { hexOf } from './prng';
import { MARKETS } from './markets';
import type { DemoAlbum, DemoArtist, DemoCatalog, DemoChartEntry, DemoPlaylist, DemoTrack } from './catalog-types';

export type ServerMode = 'development' | 'extended';

/** Fields a Development Mode app does not get, per object kind (also checked against the OpenAPI spec in tests). */
export const DEVELOPMENT_MODE_DROPPED = {
  track: ['popularity', 'available_markets', 'linked_from'],
  album: ['popularity', 'available_markets'],
  artist: ['popularity', 'followers'],
} as const;

export interface RenderContext {
  catalog: DemoCatalog;
  mode: ServerMode;
  /** Base of `href` links, e.g. `https://api.spotify.com` (what the real API writes). */
  apiBase: string;
}

type Json = Record<string, unknown>;

const OPEN = 'https://open.spotify.com';

function extended(ctx: RenderContext, fields: Json): Json {
  return ctx.mode === 'extended' ? fields : {};
}

function artistOf(ctx: RenderContext, id: string): DemoArtist {
  const artist = ctx.catalog.artists.get(id);
  if (!artist) throw new Error(`demo catalog: no artist ${id}`);
  return artist;
}

function albumOf(ctx: RenderContext, id: string): DemoAlbum {
  const album = ctx.catalog.albums.get(id);
  if (!album) throw new Error(`demo catalog: no album ${id}`);
  return album;
}

export function simplifiedArtist(ctx: RenderContext, id: string): Json {
  const artist = artistOf(ctx, id);
  return {
    external_urls: { spotify: `${OPEN}/artist/${id}` },
    href: `${ctx.apiBase}/v1/artists/${id}`,
    id,
    name: artist.name,
    type: 'artist',
    uri: `spotify:artist:${id}`,
  };
}

export function artistObject(ctx: RenderContext, artist: DemoArtist): Json {
  const image = hexOf(`artist:${artist.id}`, 24);
  return {
    ...simplifiedArtist(ctx, artist.id),
    ...extended(ctx, { followers: { href: null, total: artist.followers } }),
    genres: artist.genres,
    images: [
      { url: `https://i.scdn.co/image/ab6761610000e5eb${image}`, height: 640, width: 640 },
      { url: `https://i.scdn.co/image/ab67616100005174${image}`, height: 320, width: 320 },
      { url: `https://i.scdn.co/image/ab6761610000f178${image}`, height: 160, width: 160 },
    ],
    ...extended(ctx, { popularity: artist.popularity }),
  };
}

function albumImages(id: string): Json[] {
  const image = hexOf(`album:${id}`, 24);
  return [
    { url: `https://i.scdn.co/image/ab67616d0000b273${image}`, height: 640, width: 640 },
    { url: `https://i.scdn.co/image/ab67616d00001e02${image}`, height: 300, width: 300 },
    { url: `https://i.scdn.co/image/ab67616d00004851${image}`, height: 64, width: 64 },
  ];
}

export function simplifiedAlbum(ctx: RenderContext, album: DemoAlbum): Json {
  return {
    album_type: album.albumType,
    total_tracks: album.trackIds.length,
    ...extended(ctx, { available_markets: MARKETS }),
    external_urls: { spotify: `${OPEN}/album/${album.id}` },
    href: `${ctx.apiBase}/v1/albums/${album.id}`,
    id: album.id,
    images: albumImages(album.id),
    name: album.name,
    release_date: album.releaseDate,
    release_date_precision: album.releaseDatePrecision,
    type: 'album',
    uri: `spotify:album:${album.id}`,
    artists: album.artistIds.map((id) => simplifiedArtist(ctx, id)),
  };
}

function simplifiedTrack(ctx: RenderContext, track: DemoTrack): Json {
  return {
    artists: track.artistIds.map((id) => simplifiedArtist(ctx, id)),
    ...extended(ctx, { available_markets: MARKETS }),
    disc_number: track.discNumber,
    duration_ms: track.durationMs,
    explicit: track.explicit,
    external_urls: { spotify: `${OPEN}/track/${track.id}` },
    href: `${ctx.apiBase}/v1/tracks/${track.id}`,
    id: track.id,
    name: track.name,
    preview_url: null,
    track_number: track.trackNumber,
    type: 'track',
    uri: `spotify:track:${track.id}`,
    is_local: false,
  };
}

export function trackObject(ctx: RenderContext, track: DemoTrack): Json {
  return {
    album: simplifiedAlbum(ctx, albumOf(ctx, track.albumId)),
    ...simplifiedTrack(ctx, track),
    external_ids: { isrc: track.isrc },
    ...extended(ctx, { popularity: track.popularity }),
  };
}

/** A page object as the Web API writes it (`next`/`previous` are absolute URLs or null). */
export function page(href: string, items: Json[], offset: number, limit: number, total: number): Json {
  const at = (o: number): string => {
    const url = new URL(href);
    url.searchParams.set('offset', String(o));
    url.searchParams.set('limit', String(limit));
    return url.toString();
  };
  return {
    href: at(offset),
    items,
    limit,
    next: offset + limit < total ? at(offset + limit) : null,
    offset,
    previous: offset > 0 ? at(Math.max(0, offset - limit)) : null,
    total,
  };
}

export function albumObject(ctx: RenderContext, album: DemoAlbum): Json {
  const year = album.releaseDate.slice(0, 4);
  const label = album.label.split('/')[0];
  const trackPage = album.trackIds.slice(0, 50).map((id) => {
    const track = ctx.catalog.tracks.get(id);
    if (!track) throw new Error(`demo catalog: no track ${id}`);
    return simplifiedTrack(ctx, track);
  });
  return {
    ...simplifiedAlbum(ctx, album),
    tracks: page(`${ctx.apiBase}/v1/albums/${album.id}/tracks`, trackPage, 0, 50, album.trackIds.length),
    copyrights: [
      { text: `${year} ${label}`, type: 'C' },
      { text: `℗ ${year} ${label}`, type: 'P' },
    ],
    external_ids: { upc: album.upc },
    genres: [],
    label: album.label,
    ...extended(ctx, { popularity: album.popularity }),
  };
}

export function playlistItemsPage(
  ctx: RenderContext,
  playlist: DemoPlaylist,
  offset: number,
  limit: number,
  itemKey: 'item' | 'track',
): Json {
  const items = playlist.trackIds.slice(offset, offset + limit).map((id) => {
    const track = ctx.catalog.tracks.get(id);
    if (!track) throw new Error(`demo catalog: no track ${id}`);
    return {
      added_at: playlist.addedAt,
      added_by: {
        external_urls: { spotify: `${OPEN}/user/${playlist.ownerId}` },
        href: `${ctx.apiBase}/v1/users/${playlist.ownerId}`,
        id: playlist.ownerId,
        type: 'user',
        uri: `spotify:user:${playlist.ownerId}`,
      },
      is_local: false,
      [itemKey]: trackObject(ctx, track),
    };
  });
  return page(`${ctx.apiBase}/v1/playlists/${playlist.id}/items`, items, offset, limit, playlist.trackIds.length);
}

/** One entry of the Charts service (`chartEntryViewResponses[].entries[]`). */
export function chartEntry(catalog: DemoCatalog, entry: DemoChartEntry): Json {
  const track = catalog.tracks.get(entry.trackId);
  if (!track) throw new Error(`demo catalog: no track ${entry.trackId}`);
  const album = catalog.albums.get(track.albumId);
  return {
    chartEntryData: {
      currentRank: entry.rank,
      previousRank: entry.previousRank,
      peakRank: entry.peakRank,
      peakDate: entry.peakDate,
      appearancesOnChart: entry.appearancesOnChart,
      consecutiveAppearancesOnChart: entry.consecutiveAppearancesOnChart,
      rankingMetric: { value: String(entry.streams), type: 'STREAMS' },
      entryStatus: entry.entryStatus,
      entryRank: entry.entryRank,
      entryDate: entry.entryDate,
    },
    missingRequiredFields: false,
    trackMetadata: {
      trackName: track.name,
      trackUri: `spotify:track:${track.id}`,
      displayImageUri: `https://i.scdn.co/image/ab67616d00001e02${hexOf(`album:${track.albumId}`, 24)}`,
      artists: track.artistIds.map((id) => ({
        name: catalog.artists.get(id)?.name ?? '',
        spotifyUri: `spotify:artist:${id}`,
        externalUrl: '',
      })),
      producers: track.producers.map((name) => ({ name })),
      labels: (album?.label ?? '').split('/').map((name) => ({ name })),
      songWriters: track.songWriters.map((name) => ({ name })),
      releaseDate: album && album.releaseDatePrecision === 'day' ? album.releaseDate : `${(album?.releaseDate ?? '').slice(0, 4)}-01-01`,
    },
  };
}

/** `displayChart` of a Charts service answer. */
export function displayChart(alias: string, date: string, earliestDate: string, latestDate: string): Json {
  const match = /^regional-([a-z0-9]+)-(weekly|daily)$/.exec(alias);
  const country = match ? match[1].toUpperCase() : 'GLOBAL';
  const recurrence = match ? match[2].toUpperCase() : 'WEEKLY';
  const where = country === 'GLOBAL' ? 'Global' : country;
  return {
    date,
    description: `Your weekly update of the most played tracks right now - ${where}.`,
    chartMetadata: {
      uri: alias,
      alias,
      readableTitle: `Weekly Top Songs ${where}`,
      dimensions: {
        country,
        chartType: 'TOP200',
        recurrence,
        latestDate,
        earliestDate,
      },
      entityType: 'TRACK',
      backgroundColor: '#1E3264',
      textColor: '#FFFFFF',
    },
  };
}
