import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DuckDb } from '../query/duckdb';
import { loadSql, renderSql, sqlLiteral } from '../query/sql';
import { FsStore, tableFileKey, withLocks, yearLockKey, yearOfWeek, type ChartWeek, type ObjectStore } from '../store';
import { FORECAST_COLUMNS, FORECASTS_TABLE, type ForecastRow } from './types';

const SQL_DIR = path.join(__dirname, 'sql');

/**
 * Writes the forecasts made from one chart week into `transformed/forecasts/chart=<chart>/year=<YYYY>/part-0.parquet`
 * (one file per chart and year, like the other tables; `week` is the origin week, the newest week the model saw):
 * the year's other origins are kept, this origin's rows replaced whole (a rerun never duplicates), the file written
 * by one COPY and one `put`, under the chart-year's `forecast` lock (two forecasts of one year never lose each other's
 * rows, and the file read is never replaced while it is read). Returns the key written.
 */
export async function writeForecasts(store: ObjectStore, duck: DuckDb, chartWeek: ChartWeek, rows: readonly ForecastRow[], workDir = os.tmpdir()): Promise<string> {
  const chartYear = { chart: chartWeek.chart, year: yearOfWeek(chartWeek.week) };
  const lock = { key: yearLockKey(chartYear, 'forecast'), subject: { chart: chartYear.chart, week: String(chartYear.year) } };
  return withLocks(store, [lock], 'forecast', () => writeForecastsLocked(store, duck, chartWeek, rows, workDir), { waitMs: 4 * 60_000 });
}

async function writeForecastsLocked(store: ObjectStore, duck: DuckDb, chartWeek: ChartWeek, rows: readonly ForecastRow[], workDir: string): Promise<string> {
  const key = tableFileKey(FORECASTS_TABLE, { chart: chartWeek.chart, year: yearOfWeek(chartWeek.week) });
  const work = await fs.mkdtemp(path.join(workDir, 'chartlake-forecast-'));
  try {
    const file = path.join(work, 'part-0.parquet');
    await duck.withConnection(async (connection) => {
      await connection.runScript(loadSql(SQL_DIR, 'forecasts-table'));
      const existing = store instanceof FsStore ? store.pathOf(key) : path.join(work, 'current.parquet');
      const body = store instanceof FsStore ? undefined : await store.get(key);
      if (body) await fs.writeFile(existing, body);
      if (await fs.stat(existing).catch(() => undefined)) {
        await connection.run(renderSql(`INSERT INTO ${FORECASTS_TABLE} BY NAME SELECT * FROM read_parquet({{file}}, hive_partitioning = false) WHERE week <> CAST({{week}} AS DATE)`, { file: existing, week: chartWeek.week }));
      }
      for (let start = 0; start < rows.length; start += 500) {
        const values = rows.slice(start, start + 500).map((row) => `(${sqlLiteral(chartWeek.week)}, ${FORECAST_COLUMNS.map((column) => sqlLiteral(literal(row[column]))).join(', ')})`);
        await connection.run(`INSERT INTO ${FORECASTS_TABLE} (week, ${FORECAST_COLUMNS.join(', ')}) VALUES ${values.join(',\n')}`);
      }
      await connection.run(renderSql(`COPY (SELECT * FROM ${FORECASTS_TABLE} ORDER BY week, horizon, rank) TO {{file}} (FORMAT parquet, COMPRESSION zstd)`, { file }));
      await connection.run(`DROP TABLE ${FORECASTS_TABLE}`);
    });
    await store.put(key, await fs.readFile(file));
    return key;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** Non-finite numbers (which a model should never produce, but a chart without streams can) are stored as NULL. */
function literal(value: string | number | boolean | null): string | number | boolean | null {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
