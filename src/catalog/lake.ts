import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { DuckDb, type DuckDbConnection } from '../query/duckdb';
import { DuckDbEngine } from '../query/duckdb-engine';
import { localLakeRoot } from '../query/lake-files';
import { sqlString } from '../query/sql';
import { silentLogger, type Logger } from '../log';
import type { ObjectStore } from '../store';
import { crawl, readCatalog } from './crawler';
import { CACHE_ALIAS, queryCachePath, syncQueryCache } from './query-cache';
import type { Catalog } from './types';
import { createLakeViews, createLatestView, warnDrift } from './views';

export interface OpenLakeOptions {
  duck?: DuckDb;
  recrawl?: boolean;
  log?: Logger;
  /**
   * The query cache's database file (see `syncQueryCache`); `false`: no cache, views over the Parquet files.
   * Default: `queryCachePath(lake)` (`$CHARTLAKE_QUERY_CACHE`, `off` to disable).
   */
  cache?: string | false;
}

/** How many engines of this process have the cache attached, per database (it is detached with the last). */
const attached = new WeakMap<DuckDb, number>();

/**
 * Opens the lake for SQL on DuckDB: the catalog (crawled when missing), then one view per table, over the query
 * cache (brought up to date with the catalog first) or, when there is none or another process holds it, over the
 * Parquet files. The engine owns a DuckDB database unless one is passed in.
 */
export async function openLakeEngine(store: ObjectStore, options: OpenLakeOptions = {}): Promise<DuckDbEngine> {
  const log = options.log ?? silentLogger;
  const duck = options.duck ?? (await DuckDb.open());
  const catalog = (!options.recrawl && (await readCatalog(store))) || (await crawl(store, duck));
  const root = await localLakeRoot(store);
  const connection = await duck.connect();
  const cacheFile = options.cache === undefined ? queryCachePath(store.location) : options.cache || undefined;
  let detach: (() => Promise<void>) | undefined;
  if (cacheFile) {
    try {
      detach = await attachCache(duck, connection, cacheFile);
      await syncQueryCache(connection, store, catalog, root);
      await createCacheViews(connection, catalog, log);
    } catch (error) {
      log.log('info', 'query cache unavailable; querying the Parquet files directly', { cache: cacheFile, error: (error as Error).message });
      await detach?.();
      detach = undefined;
    }
  }
  if (!detach) await createLakeViews(connection, catalog, root, log, store);
  return new DuckDbEngine(duck, connection, !options.duck, detach);
}

async function attachCache(duck: DuckDb, connection: DuckDbConnection, file: string): Promise<() => Promise<void>> {
  const count = attached.get(duck) ?? 0;
  if (count === 0) {
    mkdirSync(path.dirname(file), { recursive: true });
    await connection.run(`ATTACH ${sqlString(file)} AS ${CACHE_ALIAS}`);
  }
  attached.set(duck, count + 1);
  let done = false;
  return async () => {
    if (done) return;
    done = true;
    const left = (attached.get(duck) ?? 1) - 1;
    attached.set(duck, left);
    // Detached with the last engine, so another process (a query while a schedule runs) can open it.
    if (left === 0) await connection.run(`DETACH ${CACHE_ALIAS}`);
  };
}

/** The lake's views over the cached tables: the same names and columns as the Parquet views. */
async function createCacheViews(connection: DuckDbConnection, catalog: Catalog, log: Logger): Promise<void> {
  for (const table of Object.values(catalog.tables)) {
    if (!/^[a-z_][a-z0-9_]*$/.test(table.name) || table.partitions === 0) continue;
    warnDrift(table, table.drift.flatMap((drift) => drift.excluded), log);
    await connection.run(`CREATE OR REPLACE VIEW ${table.name} AS SELECT * FROM ${CACHE_ALIAS}.main.${table.name}`);
    await createLatestView(connection, table.name);
  }
  if (catalog.tables.chart_entries) await connection.run(`CREATE OR REPLACE VIEW _runs AS SELECT * FROM ${CACHE_ALIAS}.main._runs`);
}
