import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DuckDb } from '../query/duckdb';
import { loadSql, renderSql, sqlLiteral } from '../query/sql';
import { partitionKey, type ChartWeek, type ObjectStore } from '../store';
import { FORECAST_COLUMNS, FORECASTS_TABLE, type ForecastRow } from './types';

const SQL_DIR = path.join(__dirname, 'sql');

/**
 * Writes one forecast partition, `transformed/forecasts/chart=<chart>/week=<origin week>/part-0.parquet`, as the
 * transform writes its tables: rows into a typed temp table (sql/forecasts-table.sql), COPY to a zstd Parquet file
 * in a scratch folder, then one `put` (a rerun replaces the partition whole). Returns the key written.
 */
export async function writeForecasts(store: ObjectStore, duck: DuckDb, chartWeek: ChartWeek, rows: readonly ForecastRow[], workDir = os.tmpdir()): Promise<string> {
  const key = partitionKey(FORECASTS_TABLE, chartWeek);
  const work = await fs.mkdtemp(path.join(workDir, 'chartlake-forecast-'));
  try {
    const file = path.join(work, 'part-0.parquet');
    await duck.withConnection(async (connection) => {
      await connection.runScript(loadSql(SQL_DIR, 'forecasts-table'));
      for (let start = 0; start < rows.length; start += 500) {
        const values = rows.slice(start, start + 500).map((row) => `(${FORECAST_COLUMNS.map((column) => sqlLiteral(literal(row[column]))).join(', ')})`);
        await connection.run(`INSERT INTO ${FORECASTS_TABLE} (${FORECAST_COLUMNS.join(', ')}) VALUES ${values.join(',\n')}`);
      }
      await connection.run(renderSql(`COPY (SELECT * FROM ${FORECASTS_TABLE} ORDER BY horizon, rank) TO {{file}} (FORMAT parquet, COMPRESSION zstd)`, { file }));
      await connection.run(`DROP TABLE ${FORECASTS_TABLE}`);
    });
    await store.put(key, await fs.readFile(file));
    return key;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** Non-finite numbers (which a model should never produce, but a chart without streams can) are stored as NULL. */
function literal(value: string | number | null): string | number | null {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
