/** Row types of the transformed tables (DESIGN.md, "Transformed tables"); `chart` and `week` come from the partition. */

export const TABLES = ['chart_entries', 'tracks', 'track_artists', 'albums', 'artists'] as const;
export type TableName = (typeof TABLES)[number];

interface Partitioned {
  /** Hive partition `chart=`. */
  chart: string;
  /** Hive partition `week=`, a DATE: `YYYY-MM-DD`. */
  week: string;
}

export interface ChartEntryRow extends Partitioned {
  region: string;
  rank: number;
  track_id: string;
  track_name: string | null;
  artist_names: string | null;
  /** The label as the chart states it (the CSV's `source`). */
  label: string | null;
  /** Null when the source gives no stream counts (playlists). */
  streams: number | null;
  peak_rank: number | null;
  /** Null for a new entry or a re-entry. */
  previous_rank: number | null;
  weeks_on_chart: number | null;
  entry_status: 'NEW_ENTRY' | 'RE_ENTRY' | 'MOVED_UP' | 'MOVED_DOWN' | 'NO_CHANGE' | string | null;
}

export interface TrackRow extends Partitioned {
  track_id: string;
  name: string | null;
  album_id: string | null;
  duration_ms: number | null;
  explicit: boolean | null;
  track_number: number | null;
  disc_number: number | null;
  /** Null for Development Mode apps, which no longer get popularity. */
  popularity: number | null;
  isrc: string | null;
}

export interface TrackArtistRow extends Partitioned {
  track_id: string;
  /** Null when only the artist's name is known (CSV imports). */
  artist_id: string | null;
  artist_name: string | null;
  /** 1 for the main artist, then the credited order. */
  position: number;
}

export interface AlbumRow extends Partitioned {
  album_id: string;
  name: string | null;
  album_type: string | null;
  /** First day of the release period; see `release_date_precision`. */
  release_date: string | null;
  release_date_precision: 'year' | 'month' | 'day' | null;
  label: string | null;
  total_tracks: number | null;
  popularity: number | null;
}

export interface ArtistRow extends Partitioned {
  artist_id: string;
  name: string | null;
  genres: string[] | null;
  followers: number | null;
  popularity: number | null;
}

export interface TableRows {
  chart_entries: ChartEntryRow;
  tracks: TrackRow;
  track_artists: TrackArtistRow;
  albums: AlbumRow;
  artists: ArtistRow;
}
