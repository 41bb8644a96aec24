/**
 * Flattens raw MusicBrainz lookups (see src/sources/musicbrainz.ts) into two DuckDB temp tables the caller copies
 * to Parquet: `song_credits` (one row per isrc x work x person x role) and `credit_lookups` (one row per ISRC
 * looked up, with its status). Lake-wide tables: `transformed/song_credits/part-0.parquet` and
 * `transformed/credit_lookups/part-0.parquet`.
 */
import * as path from 'node:path';
import { loadSql, renderSql, sqlString, type DuckDbConnection } from '../query';

const SQL_DIR = path.join(__dirname, 'sql');

/** The declared schemas (the SQL casts to exactly these; a test holds them together). */
export const SONG_CREDITS_COLUMNS = {
  isrc: 'VARCHAR',
  recording_mbid: 'VARCHAR',
  recording_title: 'VARCHAR',
  work_mbid: 'VARCHAR',
  work_title: 'VARCHAR',
  person_mbid: 'VARCHAR',
  person_name: 'VARCHAR',
  role: 'VARCHAR',
} as const;

export const CREDIT_LOOKUPS_COLUMNS = {
  isrc: 'VARCHAR',
  status: 'VARCHAR',
  recordings: 'INTEGER',
  works: 'INTEGER',
  writers: 'INTEGER',
  fetched_at: 'TIMESTAMP',
} as const;

export type CreditTable = 'song_credits' | 'credit_lookups';

/**
 * Builds the temp tables `song_credits` and `credit_lookups` on `connection` from the raw objects at `files`
 * (local paths; an empty list gives empty tables). Returns their row counts.
 */
export async function buildSongCredits(connection: DuckDbConnection, files: readonly string[]): Promise<Record<CreditTable, number>> {
  if (files.length === 0) {
    for (const [table, columns] of [['song_credits', SONG_CREDITS_COLUMNS], ['credit_lookups', CREDIT_LOOKUPS_COLUMNS]] as const) {
      const list = Object.entries(columns).map(([name, type]) => `${name} ${type}`).join(', ');
      await connection.run(`CREATE OR REPLACE TEMP TABLE ${table} (${list})`);
    }
  } else {
    await connection.runScript(renderSql(loadSql(SQL_DIR, 'song-credits'), { files: [...files] }, 'song-credits.sql'));
  }
  const [counts] = await connection.all<{ credits: bigint; lookups: bigint }>(
    'SELECT (SELECT count(*) FROM song_credits) AS credits, (SELECT count(*) FROM credit_lookups) AS lookups',
  );
  return { song_credits: Number(counts.credits), credit_lookups: Number(counts.lookups) };
}

/** Copies one of the tables built by `buildSongCredits` to a Parquet file (zstd, like every lake table). */
export async function copyCreditTable(connection: DuckDbConnection, table: CreditTable, file: string): Promise<void> {
  await connection.run(`COPY ${table} TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`);
}
