/**
 * The playlist source: `GET /v1/playlists/{id}/items`, every page. Since 2026 each item's object is under
 * `item`; older answers put it under `track`, so both are read. Items are kept as the API gave them.
 */
import type { PlaylistItemEntry, SpotifyTrack } from './envelope';
import { SpotifySourceError } from './errors';
import { errorMessage, parseJson } from './http';
import type { Log } from './log';
import { publicUrl } from './redact';
import { trimSlash } from './token';
import type { WebApi } from './web-api';

/** "Top 50 - Global". */
export const DEFAULT_PLAYLIST_ID = '37i9dQZEVXbMDoHDwVN2tF';
const PAGE_SIZE = 50;
const MAX_PAGES = 200;

export interface PlaylistWeek {
  endpoint: string;
  entries: PlaylistItemEntry[];
  /** Track objects of the items, by id, in playlist order. */
  tracks: Map<string, SpotifyTrack>;
}

/** Spotify-owned editorial and algorithmic playlists have ids starting like this. */
export function isSpotifyOwnedPlaylistId(id: string): boolean {
  return id.startsWith('37i9dQZ');
}

export async function fetchPlaylistWeek(args: { api: WebApi; apiBaseUrl: string; playlistId: string; log: Log }): Promise<PlaylistWeek> {
  const { api, playlistId, log } = args;
  if (!/^[0-9A-Za-z]{22}$/.test(playlistId)) {
    throw new SpotifySourceError('CONFIG', `"${playlistId}" is not a Spotify playlist id (22 letters and digits)`);
  }
  const firstPath = `/v1/playlists/${playlistId}/items?limit=${PAGE_SIZE}&offset=0`;
  const endpoint = publicUrl(`${trimSlash(args.apiBaseUrl)}/v1/playlists/${playlistId}/items`);
  const entries: PlaylistItemEntry[] = [];
  let path: string | undefined = firstPath;
  for (let page = 0; path; page++) {
    if (page >= MAX_PAGES) throw new SpotifySourceError('BAD_RESPONSE', `${endpoint} has more than ${MAX_PAGES} pages`);
    const answer = await api.get(path);
    if (answer.status === 404) throw notFound(playlistId);
    if (answer.status === 403) {
      throw new SpotifySourceError('FORBIDDEN', `playlist ${playlistId} is not readable by this app (403 ${errorMessage(answer.body) ?? ''})`.trim(), 403);
    }
    if (answer.status !== 200) {
      throw new SpotifySourceError('HTTP', `GET ${endpoint} answered ${answer.status} (${errorMessage(answer.body) ?? 'no message'})`, answer.status);
    }
    const body = parseJson(answer.body, `GET ${endpoint}`) as { items?: unknown; next?: unknown };
    if (!Array.isArray(body.items)) throw new SpotifySourceError('BAD_RESPONSE', `GET ${endpoint} answered no items`);
    entries.push(...(body.items as PlaylistItemEntry[]));
    path = typeof body.next === 'string' && body.next !== '' ? relativeNext(body.next) : undefined;
  }

  const tracks = new Map<string, SpotifyTrack>();
  let skipped = 0;
  for (const entry of entries) {
    const track = entry.item ?? entry.track;
    if (track && track.type === 'track' && typeof track.id === 'string' && track.id !== '' && !track.is_local) tracks.set(track.id, track);
    else skipped++;
  }
  if (skipped > 0) log('warn', 'playlist items without a Spotify track (episodes, local files) were left out of enrichment', { skipped });
  if (tracks.size === 0) throw new SpotifySourceError('BAD_RESPONSE', `playlist ${playlistId} has no tracks`);
  return { endpoint, entries, tracks };
}

/**
 * The path and query of a `next` link. Requests always go to the configured API base, so the bearer token is
 * never sent to whatever host a page names.
 */
function relativeNext(next: string): string {
  const url = new URL(next, 'https://api.spotify.com');
  return `${url.pathname}${url.search}`;
}

function notFound(playlistId: string): SpotifySourceError {
  if (isSpotifyOwnedPlaylistId(playlistId)) {
    return new SpotifySourceError(
      'NOT_FOUND',
      `Spotify answered 404 for the Spotify-owned playlist ${playlistId}: since 2024-11-27 apps in Development Mode ` +
        'cannot read Spotify\'s editorial and algorithmic playlists (only Extended Quota Mode apps can). Use the ' +
        "'charts-service' source or import the weekly CSV from charts.spotify.com instead.",
      404,
    );
  }
  return new SpotifySourceError('NOT_FOUND', `playlist ${playlistId} does not exist or is not visible to this app (404)`, 404);
}
