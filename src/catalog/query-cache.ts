import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DuckDbConnection } from '../query/duckdb';
import { loadSql, renderSql, sqlString } from '../query/sql';
import { lineageKey, type ObjectStore } from '../store';
import { readPartitionList } from './partition-lists';
import { partitionListKey, type Catalog, type CatalogPartition, type CatalogTable } from './types';

const SQL_DIR = path.join(__dirname, 'sql');
/** The name the cache database is attached under, beside the views (which are in the in-memory database). */
export const CACHE_ALIAS = 'chartlake_cache';
const RUNS_TABLE = '_runs';

/**
 * Where a lake's query cache lives: `$CHARTLAKE_QUERY_CACHE` (a folder; `off` disables the cache), else the
 * system's temp folder. A cache is disposable: deleting it only costs one rebuild.
 */
export function queryCachePath(location: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const setting = env.CHARTLAKE_QUERY_CACHE;
  if (setting === 'off') return undefined;
  const dir = setting || path.join(os.tmpdir(), 'chartlake-query-cache');
  return path.join(dir, `${createHash('sha256').update(location).digest('hex').slice(0, 16)}.duckdb`);
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The query cache: the catalogued partitions as native DuckDB tables in one database file beside the lake (a
 * 11,400-file table costs DuckDB far more to list and open than the few thousand rows a query needs). It follows
 * the catalog exactly: a chart whose partition list changed (its fingerprint in `catalog.json`) has its changed
 * partitions deleted and reloaded from their Parquet files, in one transaction, before any query; drifted
 * partitions are never loaded (as in the Parquet views); a table whose columns changed is rebuilt. So the cost of
 * opening the lake after a weekly run is that week's files, not the lake's.
 */
export async function syncQueryCache(connection: DuckDbConnection, store: ObjectStore, catalog: Catalog, lakeRoot: string): Promise<{ reloaded: number }> {
  await connection.runScript(loadSql(SQL_DIR, 'query-cache-schema'));
  await connection.run('BEGIN TRANSACTION');
  let reloaded = 0;
  try {
    const tables = await connection.all<{ table_name: string; columns: string }>(`SELECT table_name, columns FROM ${CACHE_ALIAS}._cache_tables`);
    const cachedColumns = new Map(tables.map((row) => [row.table_name, row.columns]));
    for (const name of cachedColumns.keys()) if (!catalog.tables[name]) await dropTable(connection, name);
    const charts = await connection.all<{ table_name: string; chart: string; fingerprint: string }>(`SELECT table_name, chart, fingerprint FROM ${CACHE_ALIAS}._cache_charts`);
    // First what changed (a chart whose fingerprint moved, or that is gone), then one read of its cached partitions
    // and one write of the new fingerprints: per-chart statements cost more as the cache grows.
    const changed: { table: CatalogTable; chart: string; fingerprint?: string }[] = [];
    for (const table of Object.values(catalog.tables)) {
      const columns = JSON.stringify(table.columns);
      if (cachedColumns.get(table.name) !== columns) {
        await dropTable(connection, table.name);
        await createTable(connection, table, columns);
      }
      const fresh = cachedColumns.get(table.name) === columns;
      const known = new Map(fresh ? charts.filter((row) => row.table_name === table.name).map((row) => [row.chart, row.fingerprint]) : []);
      for (const [chart, summary] of Object.entries(table.charts)) {
        if (known.get(chart) !== summary.fingerprint) changed.push({ table, chart, fingerprint: summary.fingerprint });
      }
      for (const chart of known.keys()) if (!table.charts[chart]) changed.push({ table, chart });
    }
    if (changed.length > 0) {
      const cached = await connection.all<CachedPartition & { table_name: string; chart: string }>(
        `SELECT table_name, chart, key, size, last_modified FROM ${CACHE_ALIAS}._cache_partitions
         WHERE concat(table_name, '/', chart) IN (${changed.map(({ table, chart }) => sqlString(`${table.name}/${chart}`)).join(', ')})`,
      );
      for (const { table, chart, fingerprint } of changed) {
        const list = fingerprint === undefined ? [] : ((await readPartitionList(store, partitionListKey(table.name, chart))) ?? []);
        const rows = cached.filter((row) => row.table_name === table.name && row.chart === chart);
        reloaded += await syncChart(connection, table, chart, list, rows, lakeRoot);
      }
      const gone = changed.filter((entry) => entry.fingerprint === undefined);
      if (gone.length > 0) {
        await connection.run(
          `DELETE FROM ${CACHE_ALIAS}._cache_charts WHERE concat(table_name, '/', chart) IN (${gone.map(({ table, chart }) => sqlString(`${table.name}/${chart}`)).join(', ')})`,
        );
      }
      const kept = changed.filter((entry) => entry.fingerprint !== undefined);
      if (kept.length > 0) {
        await connection.run(
          `INSERT OR REPLACE INTO ${CACHE_ALIAS}._cache_charts VALUES ${kept.map(({ table, chart, fingerprint }) => `(${sqlString(table.name)}, ${sqlString(chart)}, ${sqlString(fingerprint!)})`).join(', ')}`,
        );
      }
    }
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return { reloaded };
}

async function dropTable(connection: DuckDbConnection, name: string): Promise<void> {
  await connection.run(`DROP TABLE IF EXISTS ${CACHE_ALIAS}.${ident(name)}`);
  for (const meta of ['_cache_tables', '_cache_charts', '_cache_partitions']) await connection.run(`DELETE FROM ${CACHE_ALIAS}.${meta} WHERE table_name = ${sqlString(name)}`);
  if (name === 'chart_entries') await connection.run(`DROP TABLE IF EXISTS ${CACHE_ALIAS}.${RUNS_TABLE}`);
}

async function createTable(connection: DuckDbConnection, table: CatalogTable, columns: string): Promise<void> {
  const defs = [...table.columns, ...table.partition_keys].map((column) => `${ident(column.name)} ${column.type}`).join(', ');
  await connection.run(`CREATE TABLE ${CACHE_ALIAS}.${ident(table.name)} (${defs})`);
  if (table.name === 'chart_entries') await connection.run(`CREATE TABLE IF NOT EXISTS ${CACHE_ALIAS}.${RUNS_TABLE} (${RUNS_COLUMNS})`);
  await connection.run(`INSERT INTO ${CACHE_ALIAS}._cache_tables VALUES (${sqlString(table.name)}, ${sqlString(columns)})`);
}

/** The columns of `_runs` (runs-view.sql's result), for the cached copy. */
const RUNS_COLUMNS = [
  'chart VARCHAR, week DATE, raw_key VARCHAR, raw_size BIGINT, raw_sha256 VARCHAR, code_version VARCHAR, transformed_at TIMESTAMP',
  'chart_entries_rows BIGINT, tracks_rows BIGINT, track_artists_rows BIGINT, albums_rows BIGINT, artists_rows BIGINT',
].join(', ');

/** A partition file the cache holds. */
type CachedPartition = {
  key: string;
  size: number;
  last_modified: string;
};

/** Makes the cached rows of one table/chart equal the catalogued, non-drifted partitions. Returns partitions reloaded. */
async function syncChart(
  connection: DuckDbConnection,
  table: CatalogTable,
  chart: string,
  list: CatalogPartition[],
  cached: CachedPartition[],
  lakeRoot: string,
): Promise<number> {
  const wanted = new Map(list.filter((partition) => !partition.drifted).map((partition) => [partition.key, partition]));
  const have = new Map(cached.map((row) => [row.key, row]));
  const stale = cached.filter((row) => {
    const now = wanted.get(row.key);
    return !now || now.size !== Number(row.size) || now.last_modified !== row.last_modified;
  });
  const load = [...wanted.values()].filter((partition) => {
    const old = have.get(partition.key);
    return !old || stale.some((row) => row.key === partition.key);
  });
  const weeksOf = (keys: { week: string }[]) => keys.map((item) => `DATE ${sqlString(item.week)}`).join(', ');
  const staleWeeks = stale.map((row) => ({ week: row.key.split('/')[3].slice('week='.length) }));
  const where = (weeks: { week: string }[]) => `chart = ${sqlString(chart)} AND week IN (${weeksOf(weeks)})`;
  const runs = table.name === 'chart_entries';
  if (stale.length > 0) {
    await connection.run(`DELETE FROM ${CACHE_ALIAS}.${ident(table.name)} WHERE ${where(staleWeeks)}`);
    if (runs) await connection.run(`DELETE FROM ${CACHE_ALIAS}.${RUNS_TABLE} WHERE ${where(staleWeeks)}`);
    await connection.run(`DELETE FROM ${CACHE_ALIAS}._cache_partitions WHERE table_name = ${sqlString(table.name)} AND key IN (${stale.map((row) => sqlString(row.key)).join(', ')})`);
  }
  if (load.length === 0) return stale.length;
  const fileOf = (key: string) => path.join(lakeRoot, ...key.split('/'));
  // Several versions may be among them: union_by_name fills a column a file lacks with NULL. No file here has a
  // drifted type (those are not loaded), so the insert casts nothing.
  const select = renderSql(loadSql(SQL_DIR, 'table-view'), { files: load.map((partition) => fileOf(partition.key)), union_by_name: true }, 'table-view.sql');
  await connection.run(`INSERT INTO ${CACHE_ALIAS}.${ident(table.name)} BY NAME ${select}`);
  if (runs) {
    const lineage = load.map((partition) => fileOf(lineageKey({ chart: partition.chart, week: partition.week }))).filter((file) => existsSync(file));
    await connection.run(`DELETE FROM ${CACHE_ALIAS}.${RUNS_TABLE} WHERE ${where(load)}`);
    if (lineage.length > 0) await connection.run(`INSERT INTO ${CACHE_ALIAS}.${RUNS_TABLE} BY NAME ${renderSql(loadSql(SQL_DIR, 'runs-view'), { glob: lineage }, 'runs-view.sql')}`);
  }
  const values = load
    .map((partition) => `(${sqlString(table.name)}, ${sqlString(chart)}, DATE ${sqlString(partition.week)}, ${sqlString(partition.key)}, ${partition.size}, ${sqlString(partition.last_modified)})`)
    .join(', ');
  await connection.run(`INSERT INTO ${CACHE_ALIAS}._cache_partitions VALUES ${values}`);
  return Math.max(load.length, stale.length);
}
