import { LINEAGE_TABLE, SONGS_PREFIX, tableChartPrefix } from '../store';

/**
 * Row types of the transformed tables (DESIGN.md, "Tables") as the lake's views show them. In the files, `chart`
 * and `year` are the Hive partition folders, `week` a column, and `run_id` ties each row to its week's lineage row.
 */

/** The tables written per chart and year (one Parquet file each). */
export const CHART_TABLES = ['chart_entries', 'tracks', 'track_artists', 'albums', 'artists'] as const;
export const TABLES = CHART_TABLES;
export type TableName = (typeof CHART_TABLES)[number];
/** One row per chart week: what produced it. Written after the tables: it commits them. */
export { LINEAGE_TABLE };

/**
 * Where a transform of these charts' weeks writes (the folders a crawl after it lists again): each table's and the
 * lineage's folder of each chart, and the folder of the lake-wide `songs`, whose files the songs rebuild writes.
 */
export function writtenPrefixes(charts: readonly string[]): string[] {
  return [...new Set(charts)].flatMap((chart) => [...CHART_TABLES, LINEAGE_TABLE].map((table) => tableChartPrefix(table, chart))).concat(SONGS_PREFIX);
}

/** How each file's rows are sorted (readers order by columns; a sorted file reads and compresses better). */
export const FILE_ORDER: Record<TableName | typeof LINEAGE_TABLE, string[]> = {
  chart_entries: ['week', 'rank'],
  tracks: ['week', 'track_id'],
  track_artists: ['week', 'track_id', 'position'],
  albums: ['week', 'album_id'],
  artists: ['week', 'artist_id'],
  _lineage: ['week'],
};

interface Partitioned {
  /** Hive partition `chart=`. */
  chart: string;
  /** The chart's own date (a Thursday), a DATE: `YYYY-MM-DD`. */
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
