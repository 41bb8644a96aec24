import * as path from 'node:path';
import type { DuckDbConnection } from '../query/duckdb';
import { loadSql } from '../query/sql';

const SQL_DIR = path.join(__dirname, 'sql');

/**
 * Splits CSV artist lists with the names the lake knows (sql/split-artists.sql): reads the relations
 * `artist_lists(artist_names)` and `known_artist_names(name)` on this connection, writes the temporary table
 * `artist_splits(artist_names, position, artist_name)`.
 */
export async function splitArtistLists(connection: DuckDbConnection): Promise<void> {
  await connection.runScript(loadSql(SQL_DIR, 'split-artists'));
}
