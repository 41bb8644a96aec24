import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { crawl, openLakeEngine } from '../../src/catalog';
import { DuckDb, sqlString } from '../../src/query';
import { FsStore } from '../../src/store';
import { commitFakeWeeks } from '../support/lineage';
import { removeDir, tempDir } from '../support/lake';

/** An engine creates a table's view when a query first names it: a one-query process binds only what it reads. */
describe('catalog: views created when a query names them', function () {
  let dir: string;
  let duck: DuckDb;
  let store: FsStore;
  const CHART = 'regional-zz-weekly';

  before(async () => {
    dir = tempDir('lazy-views');
    duck = await DuckDb.open();
    store = new FsStore(dir);
    await commitFakeWeeks(store, CHART, ['2023-01-05']);
    for (const [table, select] of [
      ['chart_entries', `SELECT DATE '2023-01-05' AS week, 'fake' AS run_id, 1 AS rank, 'a' AS track_id`],
      ['tracks', `SELECT DATE '2023-01-05' AS week, 'fake' AS run_id, 'a' AS track_id, 'A' AS name`],
    ]) {
      const file = path.join(dir, 'transformed', table, `chart=${CHART}`, 'year=2023', 'part-0.parquet');
      mkdirSync(path.dirname(file), { recursive: true });
      await duck.withConnection((c) => c.run(`COPY (${select}) TO ${sqlString(file)} (FORMAT parquet)`));
    }
    await crawl(store, duck);
  });
  after(() => {
    duck?.close();
    if (dir) removeDir(dir);
  });

  it('creates the views a query names, then those a later query names, and all for a query that names none', async () => {
    const engine = await openLakeEngine(store, { duck });
    const views = async () => (await engine.connection.all<{ name: string }>('SELECT view_name AS name FROM duckdb_views() WHERE NOT internal ORDER BY 1')).map((row) => row.name);
    try {
      // Nothing at open: the first query reads the committed weeks (the lineage) and makes the views it names.
      expect(await views()).to.deep.equal([]);
      expect((await engine.query('SELECT count(*) AS n FROM chart_entries')).rows).to.deep.equal([{ n: 1 }]);
      expect(await views()).to.deep.equal(['chart_entries']);
      // A table's `_latest` view only when a query names it.
      expect((await engine.query('SELECT count(*) AS n FROM tracks')).rows).to.deep.equal([{ n: 1 }]);
      expect(await views()).to.deep.equal(['chart_entries', 'tracks']);
      expect((await engine.query('SELECT name FROM tracks_latest')).rows).to.deep.equal([{ name: 'A' }]);
      expect(await views()).to.deep.equal(['chart_entries', 'tracks', 'tracks_latest']);
      expect((await engine.query('SELECT count(*) AS n FROM _runs')).rows).to.deep.equal([{ n: 1 }]);
      expect(await views()).to.deep.equal(['_runs', 'chart_entries', 'tracks', 'tracks_latest']);
      // A week committed since: the views are opened again over the new lineage, with the tables the query names.
      await commitFakeWeeks(store, CHART, ['2023-01-12']);
      expect((await engine.query('SELECT count(*) AS n FROM _runs')).rows).to.deep.equal([{ n: 2 }]);
      expect((await engine.query(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'tracks_latest'`)).rows).to.deep.equal([{ n: 1 }]);
    } finally {
      await engine.close();
    }
  });
});
