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
  const CHART = 'regional-zz-weekly';
  const lake = useFakeLake('lazy-views', [
    ['chart_entries', CHART, `SELECT DATE '2023-01-05' AS week, 'fake' AS run_id, 1 AS rank, 'a' AS track_id`],
    ['tracks', CHART, `SELECT DATE '2023-01-05' AS week, 'fake' AS run_id, 'a' AS track_id, 'A' AS name`],
  ]);

  it('creates the views a query names, then those a later query names, and all for a query that names none', async () => {
    const engine = await openLakeEngine(lake.store, { duck: lake.duck });
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
      await commitFakeWeeks(lake.store, CHART, ['2023-01-12']);
      expect((await engine.query('SELECT count(*) AS n FROM _runs')).rows).to.deep.equal([{ n: 2 }]);
      expect((await engine.query(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'tracks_latest'`)).rows).to.deep.equal([{ n: 1 }]);
    } finally {
      await engine.close();
    }
  });
});

/**
 * A query scoped to charts (a saved analysis of one chart) gets views over those charts' folders only: DuckDB lists
 * a view's folders at each mention, and a full lake's table is 73 charts' folders.
 */
describe('catalog: views of a query scoped to charts', function () {
  const [US, GB] = ['regional-us-weekly', 'regional-gb-weekly'];
  const lake = useFakeLake('scoped-views', [
    ['chart_entries', US, `SELECT DATE '2023-01-05' AS week, 'fake' AS run_id, 1 AS rank, 'a' AS track_id`],
    ['chart_entries', GB, `SELECT DATE '2023-01-05' AS week, 'fake' AS run_id, 1 AS rank, 'b' AS track_id`],
    // gb has no tracks: a view scoped to gb reads the whole table, whose filter on chart would leave it empty
    ['tracks', US, `SELECT DATE '2023-01-05' AS week, 'fake' AS run_id, 'a' AS track_id, 'A' AS name`],
  ]);

  it("reads only the scope's charts, and every chart again for a query without scope", async () => {
    const engine = await openLakeEngine(lake.store, { duck: lake.duck });
    const charts = async (sql: string, scope?: { charts: string[] }) => (await engine.query(sql, [], scope)).rows.map((row) => row.chart);
    const ALL = 'SELECT DISTINCT chart FROM chart_entries ORDER BY chart';
    try {
      expect(await charts(ALL, { charts: [GB] })).to.deep.equal([GB]);
      const [view] = await engine.connection.all<{ sql: string }>(`SELECT sql FROM duckdb_views() WHERE view_name = 'chart_entries'`);
      expect(view.sql).to.include(`chart=${GB}`).and.not.include(`chart=${US}`);
      expect(await charts(ALL), 'no scope after a scoped query').to.deep.equal([GB, US]);
      expect(await charts(ALL, { charts: [US] })).to.deep.equal([US]);
      expect(await charts(ALL, { charts: [US, GB] })).to.deep.equal([GB, US]);
      // A chart without files of a table, or a name that is no chart's: the whole table, never an error.
      expect((await engine.query('SELECT count(*) AS n FROM tracks', [], { charts: [GB] })).rows).to.deep.equal([{ n: 1 }]);
      expect(await charts(ALL, { charts: ['../x'] })).to.deep.equal([GB, US]);
      // After every view was made for all charts (a catalog query), a scoped query makes its own again.
      await engine.views();
      expect(await charts(ALL, { charts: [GB] })).to.deep.equal([GB]);
      expect((await engine.query(`SELECT name FROM tracks_latest WHERE chart = '${US}'`, [], { charts: [US] })).rows).to.deep.equal([{ name: 'A' }]);
      expect(await charts(ALL)).to.deep.equal([GB, US]);
    } finally {
      await engine.close();
    }
  });
});

type FakeFiles = [table: string, chart: string, select: string][];

/** A fake lake (`fakeLake`) made before the tests of the describe block it is called in, with its DuckDB, and removed after them. */
function useFakeLake(label: string, files: FakeFiles): { store: FsStore; duck: DuckDb } {
  const lake = {} as { store: FsStore; duck: DuckDb; dir?: string };
  before(async () => {
    lake.dir = tempDir(label);
    lake.duck = await DuckDb.open();
    lake.store = await fakeLake(lake.dir, lake.duck, files);
  });
  after(() => {
    lake.duck?.close();
    if (lake.dir) removeDir(lake.dir);
  });
  return lake;
}

/** A lake of one committed week (2023-01-05) per chart named, whose 2023 files of each table hold what `select` gives. */
async function fakeLake(dir: string, duck: DuckDb, files: FakeFiles): Promise<FsStore> {
  const store = new FsStore(dir);
  for (const chart of new Set(files.map(([, chart]) => chart))) await commitFakeWeeks(store, chart, ['2023-01-05']);
  for (const [table, chart, select] of files) {
    const file = path.join(dir, 'transformed', table, `chart=${chart}`, 'year=2023', 'part-0.parquet');
    mkdirSync(path.dirname(file), { recursive: true });
    await duck.withConnection((c) => c.run(`COPY (${select}) TO ${sqlString(file)} (FORMAT parquet)`));
  }
  await crawl(store, duck);
  return store;
}
