import * as path from 'node:path';
import type { DuckDbConnection } from '../query/duckdb';
import { loadSql, renderSql } from '../query/sql';
import type { Catalog } from './types';

const SQL_DIR = path.join(__dirname, 'sql');

/** Tables with a `<table>_latest` view: one row per id, the newest observation. */
export const LATEST_VIEWS: Record<string, string> = { tracks: 'track_id', albums: 'album_id', artists: 'artist_id' };

/**
 * Creates one DuckDB view per catalogued table over its Parquet files (Hive partitions chart= and week= as
 * columns), plus the `*_latest` views. Tables with no partition get no view.
 */
export async function createLakeViews(connection: DuckDbConnection, catalog: Catalog, lakeRoot: string): Promise<string[]> {
  const created: string[] = [];
  for (const table of Object.values(catalog.tables)) {
    if (table.partitions.length === 0 || !/^[a-z_][a-z0-9_]*$/.test(table.name)) continue;
    const glob = path.join(lakeRoot, 'transformed', table.name, '*', '*', '*.parquet');
    const select = renderSql(loadSql(SQL_DIR, 'table-view'), { glob }, 'table-view.sql');
    await connection.run(`CREATE OR REPLACE VIEW ${table.name} AS ${select}`);
    created.push(table.name);
    const id = LATEST_VIEWS[table.name];
    if (id) {
      const latest = loadSql(SQL_DIR, 'latest-view').replace(/\$table/g, table.name).replace(/\$id/g, id);
      await connection.run(`CREATE OR REPLACE VIEW ${table.name}_latest AS ${latest}`);
      created.push(`${table.name}_latest`);
    }
  }
  return created;
}
