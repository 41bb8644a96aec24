import { DuckDb } from '../query/duckdb';
import { DuckDbEngine } from '../query/duckdb-engine';
import { committedCacheDir, lineageState, localLakeRoot } from '../query/lake-files';
import { silentLogger, type Logger } from '../log';
import { isPerWeekLayoutKey, TRANSFORMED_PREFIX, type ObjectStore } from '../store';
import { crawl, readCatalog } from './crawler';
import { createLakeViews, isChartTable, warnAllDrift, type CommittedCache } from './views';

export interface OpenLakeOptions {
  duck?: DuckDb;
  recrawl?: boolean;
  log?: Logger;
}

/**
 * Opens the lake for SQL on DuckDB: the catalog (crawled when missing), then one view per table straight over the
 * Parquet files (a few files per table, chart and year: no second copy of the data is needed), each created when a
 * query first names it (`engine.views()` creates them all). The engine owns a DuckDB database unless one is passed in.
 */
export async function openLakeEngine(store: ObjectStore, options: OpenLakeOptions = {}): Promise<DuckDbEngine> {
  const log = options.log ?? silentLogger;
  const duck = options.duck ?? (await DuckDb.open());
  const catalog = (!options.recrawl && (await readCatalog(store))) || (await crawl(store, duck));
  if (Object.keys(catalog.tables).length === 0 && (await hasPerWeekLayout(store))) {
    throw new Error(`${store.location} holds tables in the per-week layout of chartlake 0.1; run \`chartlake upgrade --lake ${store.location}\` once (it rebuilds them from raw/, which stays as it is)`);
  }
  const root = await localLakeRoot(store);
  const connection = await duck.connect();
  // The lake's committed weeks are cached between processes; a snapshot's (a query that met a replaced file) are not.
  const cacheOf = (from: string, state: string): CommittedCache | undefined =>
    from === root ? { dir: committedCacheDir(root), root, lineage: state, unchanged: () => lineageState(root) === state } : undefined;
  // The drift of every table is told now; `_runs` and each table's view are made when a query first names them
  // (the lineage read then: reading it here too cost a one-query process a walk of every lineage file).
  warnAllDrift(catalog, root, log);
  return new DuckDbEngine(duck, connection, !options.duck, {
    root,
    tables: Object.keys(catalog.tables),
    chartTables: Object.values(catalog.tables).filter(isChartTable).map((table) => table.name),
    openViews: async (from, state, only, runs, charts) => void (await createLakeViews(connection, catalog, from, silentLogger, cacheOf(from, state), { only, runs, charts })),
  });
}

/** Whether the transformed zone still has files of the per-week layout (chartlake 0.1). */
export async function hasPerWeekLayout(store: ObjectStore): Promise<boolean> {
  const objects = await store.list(TRANSFORMED_PREFIX);
  return objects.some((object) => isPerWeekLayoutKey(object.key));
}
