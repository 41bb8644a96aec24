import * as path from 'node:path';
import type { DuckDbConnection } from '../query/duckdb';
import { loadSql, renderSql } from '../query/sql';
import { silentLogger, type Logger } from '../log';
import type { Catalog } from './types';

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
export async function createLakeViews(connection: DuckDbConnection, catalog: Catalog, lakeRoot: string, log: Logger = silentLogger): Promise<string[]> {
  const created: string[] = [];
  for (const table of Object.values(catalog.tables)) {
    if (!/^[a-z_][a-z0-9_]*$/.test(table.name)) continue;
    const readable = table.partitions.filter((partition) => !partition.drifted);
    const left = table.partitions.filter((partition) => partition.drifted).map((partition) => partition.key);
    if (left.length > 0) {
      log.log('warn', `${table.name}: ${left.length} partition(s) left out of the view because of schema drift (chartlake tables --drift)`, {
        table: table.name,
        columns: table.drift.map((drift) => drift.column),
        partitions: left,
      });
    }
    if (readable.length === 0) continue;
    const files = readable.map((partition) => path.join(lakeRoot, ...partition.key.split('/')));
    const select = renderSql(loadSql(SQL_DIR, 'table-view'), { files }, 'table-view.sql');
    await connection.run(`CREATE OR REPLACE VIEW ${table.name} AS ${select}`);
    created.push(table.name);
    const id = LATEST_VIEWS[table.name];
    if (id) {
      const latest = loadSql(SQL_DIR, 'latest-view').replace(/\$table/g, table.name).replace(/\$id/g, id);
      await connection.run(`CREATE OR REPLACE VIEW ${table.name}_latest AS ${latest}`);
      created.push(`${table.name}_latest`);
    }
  }
  if (await createRunsView(connection, lakeRoot)) created.push('_runs');
  return created;
}

/** `_runs`: the lineage records as a view (none when nothing was transformed yet: read_json needs a file). */
async function createRunsView(connection: DuckDbConnection, lakeRoot: string): Promise<boolean> {
  const glob = path.join(lakeRoot, 'transformed', '_lineage', '*', '*', 'lineage.json');
  const [{ n }] = await connection.all<{ n: number }>(renderSql('SELECT count(*) AS n FROM glob({{glob}})', { glob }));
  if (Number(n) === 0) return false;
  await connection.run(`CREATE OR REPLACE VIEW _runs AS ${renderSql(loadSql(SQL_DIR, 'runs-view'), { glob }, 'runs-view.sql')}`);
  return true;
}
