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

/**
 * Until the transform persists `songs` (transformed/songs/part-0.parquet and its view), a lake engine builds it
 * on its own connection when it opens; a no-op once the lake has a `songs` relation.
 */
export async function withSongs<T extends { connection: DuckDbConnection }>(engine: T): Promise<T> {
  const [{ found }] = await engine.connection.all<{ found: number }>(
    "SELECT count(*) AS found FROM information_schema.tables WHERE table_name = 'songs'",
  );
  const [{ entries }] = await engine.connection.all<{ entries: number }>(
    "SELECT count(DISTINCT table_name) AS entries FROM information_schema.tables WHERE table_name IN ('chart_entries', 'tracks', 'track_artists')",
  );
  if (Number(found) === 0 && Number(entries) === 3) await buildSongs(engine.connection);
  return engine;
}
