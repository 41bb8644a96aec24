import { DuckDb } from '../query/duckdb';
import { DuckDbEngine } from '../query/duckdb-engine';
import { localLakeRoot } from '../query/lake-files';
import type { Logger } from '../log';
import type { ObjectStore } from '../store';
import { crawl, readCatalog } from './crawler';
import { createLakeViews } from './views';

/**
 * Opens the lake for SQL on DuckDB: the catalog (crawled when missing), then one view per table. The engine
 * owns a DuckDB database unless one is passed in.
 */
export async function openLakeEngine(store: ObjectStore, options: { duck?: DuckDb; recrawl?: boolean; log?: Logger } = {}): Promise<DuckDbEngine> {
  const duck = options.duck ?? (await DuckDb.open());
  const catalog = (!options.recrawl && (await readCatalog(store))) || (await crawl(store, duck));
  const connection = await duck.connect();
  await createLakeViews(connection, catalog, await localLakeRoot(store), options.log);
  return new DuckDbEngine(duck, connection, !options.duck);
}
