import * as path from 'node:path';
import type { DuckDbConnection } from '../query/duckdb';
import { loadSql, renderSql } from '../query/sql';
import { silentLogger, type Logger } from '../log';
import type { Catalog, CatalogTable } from './types';
import type { ObjectStore } from '../store';
import { readPartitionLists } from './partition-lists';

const SQL_DIR = path.join(__dirname, 'sql');

/** Tables with a `<table>_latest` view: one row per id, the newest observation. */
export const LATEST_VIEWS: Record<string, string> = { tracks: 'track_id', albums: 'album_id', artists: 'artist_id' };

/**
 * Creates one DuckDB view per catalogued table over its catalogued Parquet files (Hive partitions chart= and
 * week= as columns), plus the `*_latest` views. Tables with no partition get no view.
 *
 * Schema drift is never cast away: a partition whose column has another type than the table's established type
 * is left out of the view, with a warning naming it (`chartlake tables --drift` lists them all). Rewriting the
 * partition (`chartlake replay <raw key>`) and crawling again brings it back.
 */
export async function createLakeViews(
  connection: DuckDbConnection,
  catalog: Catalog,
  lakeRoot: string,
  log: Logger = silentLogger,
  store?: ObjectStore,
): Promise<string[]> {
  const created: string[] = [];
  for (const table of Object.values(catalog.tables)) {
    if (!/^[a-z_][a-z0-9_]*$/.test(table.name) || table.partitions === 0) continue;
    const excluded = new Set(table.drift.flatMap((drift) => drift.excluded));
    warnDrift(table, [...excluded], log);
    const live = table.versions.filter((version) => version.partitions > 0).length;
    let files: string | string[];
    if (excluded.size === 0 && live === 1) {
      files = path.join(lakeRoot, 'transformed', table.name, '*', '*', '*.parquet');
    } else {
      // Drift (or several versions): the catalogued files are listed, so a drifted one is never read.
      if (!store) throw new Error(`createLakeViews: ${table.name} has drift or several schema versions; pass the store to read its partition lists`);
      files = (await readPartitionLists(store, table)).filter((partition) => !excluded.has(partition.key)).map((partition) => path.join(lakeRoot, ...partition.key.split('/')));
      if (files.length === 0) continue;
    }
    const select = renderSql(loadSql(SQL_DIR, 'table-view'), { files, union_by_name: live > 1 }, 'table-view.sql');
    await connection.run(`CREATE OR REPLACE VIEW ${table.name} AS ${select}`);
    created.push(table.name, ...(await createLatestView(connection, table.name)));
  }
  if (await createRunsView(connection, lakeRoot)) created.push('_runs');
  return created;
}

/** `<table>_latest` for the tables that have one. */
export async function createLatestView(connection: DuckDbConnection, table: string): Promise<string[]> {
  const id = LATEST_VIEWS[table];
  if (!id) return [];
  const latest = loadSql(SQL_DIR, 'latest-view').replace(/\$table/g, table).replace(/\$id/g, id);
  await connection.run(`CREATE OR REPLACE VIEW ${table}_latest AS ${latest}`);
  return [`${table}_latest`];
}

/** Drifted partitions are named in a warning each time the lake is opened (`chartlake tables --drift` lists them). */
export function warnDrift(table: CatalogTable, left: string[], log: Logger): void {
  if (left.length === 0) return;
  log.log('warn', `${table.name}: ${left.length} partition(s) left out of the view because of schema drift (chartlake tables --drift)`, {
    table: table.name,
    columns: table.drift.map((drift) => drift.column),
    partitions: left,
  });
}

/** `_runs`: the lineage records as a view (none when nothing was transformed yet: read_json needs a file). */
async function createRunsView(connection: DuckDbConnection, lakeRoot: string): Promise<boolean> {
  const glob = path.join(lakeRoot, 'transformed', '_lineage', '*', '*', 'lineage.json');
  const [{ n }] = await connection.all<{ n: number }>(renderSql('SELECT count(*) AS n FROM glob({{glob}})', { glob }));
  if (Number(n) === 0) return false;
  await connection.run(`CREATE OR REPLACE VIEW _runs AS ${renderSql(loadSql(SQL_DIR, 'runs-view'), { glob }, 'runs-view.sql')}`);
  return true;
}
