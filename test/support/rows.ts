import { openLakeEngine } from '../../src/catalog';
import type { DuckDb } from '../../src/query';
import { SONGS_PREFIX, type ObjectStore } from '../../src/store';
import { CHART_TABLES } from '../../src/transform';

/** Every row of every table as the lake's views show them (crawled afresh), sorted: what a reader of the lake sees. */
export async function viewRows(store: ObjectStore, duck: DuckDb): Promise<Record<string, unknown[]>> {
  const engine = await openLakeEngine(store, { duck, recrawl: true });
  try {
    const out: Record<string, unknown[]> = {};
    for (const table of CHART_TABLES) {
      const exists = await engine.query(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = '${table}'`);
      out[table] = Number(exists.rows[0].n) > 0 ? (await engine.query(`SELECT * FROM ${table} ORDER BY ALL`)).rows : [];
    }
    return out;
  } finally {
    await engine.close();
  }
}

/**
 * The rows of a lake's files of `songs` (below `root`, a lake's folder), each with the name of its file (the year its
 * id first charted), sorted.
 */
export async function songsFileRows(duck: DuckDb, root: string): Promise<unknown[]> {
  return duck.withConnection((connection) =>
    connection.all(`SELECT * EXCLUDE (filename), parse_filename(filename) AS file FROM read_parquet('${root}/${SONGS_PREFIX}*.parquet', filename = true) ORDER BY ALL`),
  );
}
