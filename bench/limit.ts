import * as path from 'node:path';
import { DuckDb } from '../src/query/duckdb';
import { loadSql, renderSql } from '../src/query/sql';

/** DuckDB alone, one statement: the time chartlake's backfill is compared with. Returns the rows written. */
export async function duckdbOnlyImport(inputDir: string, outDir: string): Promise<{ rows: number }> {
  const duck = await DuckDb.open();
  try {
    return await duck.withConnection(async (connection) => {
      // Keep every partition's file open until the end, so each chart week is one file, as chartlake writes it.
      await connection.run('SET partitioned_write_max_open_files = 100000');
      const sql = renderSql(loadSql(__dirname, 'limit'), { glob: path.join(inputDir, '*.csv'), out: outDir }, 'limit.sql');
      const [{ Count }] = await connection.all<{ Count: number }>(sql);
      return { rows: Number(Count) };
    });
  } finally {
    duck.close();
  }
}
