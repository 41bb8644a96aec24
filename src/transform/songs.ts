import * as path from 'node:path';
import type { DuckDbConnection } from '../query/duckdb';
import { loadSql } from '../query/sql';

const SQL_DIR = path.join(__dirname, 'sql');

/** Why a track id belongs to its song (see sql/songs.sql). */
export type SongLink = 'self' | 'chart_continuity' | 'isrc' | 'title_artists';

/** One row of `songs`: grain track_id. */
export interface SongRow {
  track_id: string;
  /** The id of the song's track that charted first. */
  song_id: string;
  song_name: string | null;
  artist_names: string | null;
  linked_by: SongLink;
  /** The track id this one was linked to (itself for 'self'). */
  linked_to: string;
}

/**
 * Builds the temporary table `songs` (track_id → song_id) on this connection from the relations `chart_entries`,
 * `tracks` and `track_artists` it sees: the lake's views, or a transform batch's tables. The work is DuckDB's.
 */
export async function buildSongs(connection: DuckDbConnection): Promise<void> {
  await connection.runScript(loadSql(SQL_DIR, 'songs'));
}
