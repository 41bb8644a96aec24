/**
 * The demo catalog's own model: compact records the Spotify-compatible server renders into Web API and
 * Charts service answers (see `render.ts`). Ids are Spotify-looking 22-character base62 strings.
 */

export type EntryStatus = 'NEW_ENTRY' | 'RE_ENTRY' | 'MOVED_UP' | 'MOVED_DOWN' | 'NO_CHANGE';

export interface DemoArtist {
  id: string;
  name: string;
  genres: string[];
  followers: number;
  /** 0..100 */
  popularity: number;
}

export interface DemoAlbum {
  id: string;
  name: string;
  albumType: 'album' | 'single' | 'compilation';
  artistIds: string[];
  /** `YYYY-MM-DD`, `YYYY-MM` or `YYYY` as `releaseDatePrecision` says. */
  releaseDate: string;
  releaseDatePrecision: 'day' | 'month' | 'year';
  label: string;
  /** Every track of the album, in track-number order. */
  trackIds: string[];
  upc: string;
  popularity: number;
}

export interface DemoTrack {
  id: string;
  name: string;
  albumId: string;
  /** Main artist(s) first, then featured artists. */
  artistIds: string[];
  durationMs: number;
  explicit: boolean;
  trackNumber: number;
  discNumber: number;
  isrc: string;
  popularity: number;
  songWriters: string[];
  producers: string[];
}

/** One row of a weekly chart, with the history fields the Charts service reports. */
export interface DemoChartEntry {
  rank: number;
  trackId: string;
  streams: number;
  /** -1 when the track was not on the previous week's chart. */
  previousRank: number;
  peakRank: number;
  peakDate: string;
  appearancesOnChart: number;
  consecutiveAppearancesOnChart: number;
  entryStatus: EntryStatus;
  entryRank: number;
  entryDate: string;
}

export interface DemoChartWeek {
  alias: string;
  /** The chart date: the Thursday that ends the chart week. */
  date: string;
  entries: DemoChartEntry[];
}

export interface DemoPlaylist {
  id: string;
  name: string;
  ownerId: string;
  ownerName: string;
  /** Spotify-owned editorial playlist: Development Mode apps get 404 for it. */
  editorial: boolean;
  trackIds: string[];
  /** When the items were added (ISO timestamp). */
  addedAt: string;
}

export interface DemoCatalog {
  seed: number;
  /** Chart dates, ascending, one per week. */
  weeks: string[];
  artists: ReadonlyMap<string, DemoArtist>;
  albums: ReadonlyMap<string, DemoAlbum>;
  tracks: ReadonlyMap<string, DemoTrack>;
  /** Chart alias → weekly charts, ascending by date. */
  charts: ReadonlyMap<string, DemoChartWeek[]>;
  playlists: ReadonlyMap<string, DemoPlaylist>;
  /**
   * Simulates further chart weeks, through `week` (a Thursday), appending them to `weeks` and `charts`; the
   * weeks already there never change (a demo server whose latest week follows the clock calls it).
   */
  extendTo(week: string): void;
}
