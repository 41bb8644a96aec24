import * as os from 'node:os';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DuckDb } from '../src/query/duckdb';
import { loadSql, renderSql } from '../src/query/sql';
import { SONGS_PREFIX, songsFileKey } from '../src/store';
import { buildSongs, writeSongsFiles } from '../src/transform';

/** How the limit lays the rows out: the compact lake's one file per chart-year, or 0.1's one file per chart week. */
export type LimitLayout = 'chart-year' | 'chart-week';

export interface LimitResult {
  rows: number;
  /** Copying the CSVs into the raw zone, byte for byte (what any import must do first). */
  copyMs: number;
  /** The one DuckDB pass: read every CSV, write the chart rows' Parquet files. */
  duckMs: number;
  /**
   * The same pass writing the other rows an import writes (tracks, track_artists, lineage; `limit-tables.sql`),
   * after the chart rows: in the chart-year layout only (0 in the other).
   */
  tablesMs: number;
  /**
   * Then the lake-wide songs table (track id → song id), built by the same SQL an import runs once at its end
   * (`buildSongs`) over the same rows: in the chart-year layout only (0 in the other).
   */
  songsMs: number;
}

/**
 * What the backfill cannot avoid, the time chartlake's backfill is compared with: copy the raw files into a raw
 * zone, then one DuckDB pass writing the same chart rows in the given layout, and in the chart-year layout the
 * same rows of the other tables too, songs included.
 */
export async function duckdbOnlyImport(files: string[], outDir: string, layout: LimitLayout): Promise<LimitResult> {
  const raw = path.join(outDir, 'raw');
  const copyStarted = performance.now();
  await fs.mkdir(raw, { recursive: true });
  await fs.mkdir(path.join(outDir, 'transformed'), { recursive: true });
  for (const file of files) await fs.copyFile(file, path.join(raw, path.basename(file)));
  const copyMs = performance.now() - copyStarted;
  // DuckDB's own default memory (80 % of the machine's): the limit is what DuckDB alone can do. chartlake's
  // DEFAULT_MEMORY_LIMIT would stop the per-week layout, whose partitioned write keeps thousands of files open.
  const duck = await DuckDb.open({ memoryLimit: `${Math.floor((os.totalmem() * 0.8) / 2 ** 20)}MB` });
  try {
    const duckStarted = performance.now();
    let duckMs = 0;
    let tablesMs = 0;
    let songsMs = 0;
    const rows = await duck.withConnection(async (connection) => {
      // Keep every partition's file open until the end, so each partition is one file, as chartlake writes it.
      await connection.run('SET partitioned_write_max_open_files = 100000');
      await connection.runScript(renderSql(loadSql(__dirname, 'limit'), { glob: path.join(raw, '*.csv') }, 'limit.sql'));
      const [{ Count }] = await connection.all<{ Count: number }>(
        renderSql(loadSql(__dirname, `limit-${layout}`), { out: path.join(outDir, 'transformed', 'chart_entries') }, `limit-${layout}.sql`),
      );
      duckMs = performance.now() - duckStarted;
      if (layout === 'chart-year') {
        const table = (name: string) => path.join(outDir, 'transformed', name);
        await connection.runScript(renderSql(loadSql(__dirname, 'limit-tables'), { tracks: table('tracks'), track_artists: table('track_artists'), lineage: table('_lineage') }, 'limit-tables.sql'));
        tablesMs = performance.now() - duckStarted - duckMs;
        await buildSongs(connection);
        await fs.mkdir(path.join(outDir, SONGS_PREFIX), { recursive: true });
        // As the import writes them.
        await writeSongsFiles(connection, (year) => path.join(outDir, ...songsFileKey(year).split('/')));
        songsMs = performance.now() - duckStarted - duckMs - tablesMs;
      }
      return Number(Count);
    });
    return { rows, copyMs, duckMs, tablesMs, songsMs };
  } finally {
    duck.close();
  }
}
