import { expect } from 'chai';
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { crawl, describeDrift, openLakeEngine, readCatalog, readPartitionLists } from '../../src/catalog';
import { memoryLogger } from '../../src/log';
import { DuckDb, sqlString } from '../../src/query';
import { FsStore } from '../../src/store';
import { removeDir, tempDir } from '../support/lake';

/** Hand-made partitions of a small `chart_entries` table, written with DuckDB COPY as the transform would. */
describe('catalog: versions and drift from hand-made Parquet partitions', function () {
  let dir: string;
  let duck: DuckDb;
  let store: FsStore;
  let cacheFile: string;
  const key = (week: string) => `transformed/chart_entries/chart=test-chart/week=${week}/part-0.parquet`;
  const write = async (week: string, select: string) => {
    const file = path.join(dir, ...key(week).split('/'));
    mkdirSync(path.dirname(file), { recursive: true });
    await duck.withConnection((c) => c.run(`COPY (${select}) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`));
  };

  before(async () => {
    dir = tempDir('catalog');
    duck = await DuckDb.open();
    store = new FsStore(dir);
    cacheFile = path.join(tempDir('catalog-cache'), 'query.duckdb');
    await write('2023-01-05', `SELECT CAST(1 AS INTEGER) AS rank, 'a' AS track_id, CAST(100 AS BIGINT) AS streams UNION ALL SELECT 2, 'b', 90`);
  });
  after(() => {
    duck?.close();
    if (dir) removeDir(dir);
    if (cacheFile) removeDir(path.dirname(cacheFile));
  });

  it('catalogs the first partition as version 1, without drift', async () => {
    const catalog = await crawl(store, duck);
    const table = catalog.tables.chart_entries;
    expect(table.versions.map((v) => v.change)).to.deep.equal(['first version']);
    expect(table.columns).to.deep.equal([
      { name: 'rank', type: 'INTEGER' },
      { name: 'track_id', type: 'VARCHAR' },
      { name: 'streams', type: 'BIGINT' },
    ]);
    expect(table.drift).to.deep.equal([]);
    expect(describeDrift(catalog)).to.deep.equal(['no schema drift']);
  });

  it('makes a new nullable column a new version; older partitions read it as NULL', async () => {
    await write('2023-01-12', `SELECT CAST(1 AS INTEGER) AS rank, 'b' AS track_id, CAST(120 AS BIGINT) AS streams, 'Label B' AS label`);
    const catalog = await crawl(store, duck);
    const table = catalog.tables.chart_entries;
    expect(table.versions.map((v) => [v.version, v.change])).to.deep.equal([[1, 'first version'], [2, 'added label']]);
    expect((await readPartitionLists(store, table)).map((p) => [p.week, p.version])).to.deep.equal([['2023-01-05', 1], ['2023-01-12', 2]]);
    expect(table.drift).to.deep.equal([]);
    expect(table.columns.map((c) => c.name)).to.deep.equal(['rank', 'track_id', 'streams', 'label']);
    const engine = await openLakeEngine(store, { duck });
    try {
      const { rows } = await engine.query(`SELECT CAST(week AS VARCHAR) AS week, rank, label FROM chart_entries ORDER BY week, rank`);
      expect(rows).to.deep.equal([
        { week: '2023-01-05', rank: 1, label: null },
        { week: '2023-01-05', rank: 2, label: null },
        { week: '2023-01-12', rank: 1, label: 'Label B' },
      ]);
    } finally {
      await engine.close();
    }
  });

  it('reports a changed type as drift naming the partition, and leaves that partition out of the view (no cast)', async () => {
    await write('2023-01-19', `SELECT CAST(1 AS INTEGER) AS rank, 'c' AS track_id, '130' AS streams, 'Label C' AS label`);
    const catalog = await crawl(store, duck);
    const table = catalog.tables.chart_entries;
    expect(table.versions.map((v) => v.change)).to.deep.equal(['first version', 'added label', 'type changed: streams BIGINT → VARCHAR']);
    expect(table.drift).to.deep.equal([
      {
        column: 'streams',
        expected: 'BIGINT',
        types: [
          { type: 'BIGINT', partitions: [key('2023-01-05'), key('2023-01-12')] },
          { type: 'VARCHAR', partitions: [key('2023-01-19')] },
        ],
        excluded: [key('2023-01-19')],
      },
    ]);
    expect(table.columns.find((c) => c.name === 'streams')).to.deep.equal({ name: 'streams', type: 'BIGINT' });
    expect((await readPartitionLists(store, table)).filter((p) => p.drifted).map((p) => p.week)).to.deep.equal(['2023-01-19']);
    // What `chartlake tables --drift` prints, from the catalog file on disk.
    const report = describeDrift((await readCatalog(store))!);
    expect(report[0]).to.equal('chart_entries.streams: type drift, the table keeps BIGINT');
    expect(report).to.include(`    ${key('2023-01-19')}`);
    expect(report.join('\n')).to.match(/VARCHAR in 1 partition\(s\) \(left out of the view/);

    for (const cache of [cacheFile, false] as const) {
      const log = memoryLogger();
      const engine = await openLakeEngine(store, { duck, log, cache });
      try {
        const types = await engine.query(`SELECT column_type FROM (DESCRIBE chart_entries) WHERE column_name = 'streams'`);
        expect(types.rows).to.deep.equal([{ column_type: 'BIGINT' }]);
        const { rows } = await engine.query(`SELECT CAST(week AS VARCHAR) AS week, count(*) AS n FROM chart_entries GROUP BY week ORDER BY week`);
        expect(rows).to.deep.equal([{ week: '2023-01-05', n: 2 }, { week: '2023-01-12', n: 1 }]);
      } finally {
        await engine.close();
      }
      const lines = log.lines.map((line) => JSON.parse(line) as { level: string; message: string; partitions?: string[] });
      expect(lines.filter((line) => line.message.includes('query cache unavailable')), `cache ${cache}`).to.deep.equal([]);
      const warnings = lines.filter((line) => line.level === 'warn');
      expect(warnings).to.have.length(1);
      expect(warnings[0].message).to.match(/chart_entries: 1 partition\(s\) left out of the view because of schema drift/);
      expect(warnings[0].partitions).to.deep.equal([key('2023-01-19')]);
    }
  });

  it('clears the drift once the partition is rewritten with the established type', async () => {
    await write('2023-01-19', `SELECT CAST(1 AS INTEGER) AS rank, 'c' AS track_id, CAST(130 AS BIGINT) AS streams, 'Label C' AS label`);
    const catalog = await crawl(store, duck);
    const table = catalog.tables.chart_entries;
    expect(table.drift).to.deep.equal([]);
    expect((await readPartitionLists(store, table)).map((p) => [p.week, p.version, p.drifted ?? false])).to.deep.equal([
      ['2023-01-05', 1, false],
      ['2023-01-12', 2, false],
      ['2023-01-19', 2, false],
    ]);
    for (const cache of [cacheFile, false] as const) {
      const engine = await openLakeEngine(store, { duck, cache });
      try {
        const { rows } = await engine.query(`SELECT sum(streams) AS streams, count(DISTINCT label) AS labels FROM chart_entries`);
        expect(rows, `cache ${cache}`).to.deep.equal([{ streams: 100 + 90 + 120 + 130, labels: 2 }]);
      } finally {
        await engine.close();
      }
    }
  });

  it('an incremental crawl of the keys just written equals a full crawl, and the cache follows a rewritten week', async () => {
    await write('2023-01-26', `SELECT CAST(1 AS INTEGER) AS rank, 'd' AS track_id, CAST(140 AS BIGINT) AS streams, 'Label D' AS label`);
    await write('2023-01-05', `SELECT CAST(1 AS INTEGER) AS rank, 'a' AS track_id, CAST(105 AS BIGINT) AS streams, 'Label A' AS label`);
    const changedKeys = [key('2023-01-26'), key('2023-01-05'), 'transformed/_lineage/chart=test-chart/week=2023-01-26/lineage.json'];
    const incremental = await crawl(store, duck, { changedKeys, now: new Date('2024-01-01T00:00:00Z') });
    const lists = await readPartitionLists(store, incremental.tables.chart_entries);
    expect(lists.map((p) => [p.week, p.version])).to.deep.equal([['2023-01-05', 2], ['2023-01-12', 2], ['2023-01-19', 2], ['2023-01-26', 2]]);
    expect(incremental.tables.chart_entries.versions.map((v) => v.partitions)).to.deep.equal([0, 4, 0]);
    expect(incremental.tables.chart_entries.charts['test-chart']).to.include({ partitions: 4, first_week: '2023-01-05', last_week: '2023-01-26' });
    const full = await crawl(store, duck, { now: new Date('2024-01-01T00:00:00Z') });
    expect(full).to.deep.equal(incremental);
    expect(await readPartitionLists(store, full.tables.chart_entries)).to.deep.equal(lists);

    const engine = await openLakeEngine(store, { duck, cache: cacheFile });
    try {
      const { rows } = await engine.query(`SELECT CAST(week AS VARCHAR) AS week, sum(streams) AS streams FROM chart_entries GROUP BY week ORDER BY week`);
      expect(rows).to.deep.equal([
        { week: '2023-01-05', streams: 105 },
        { week: '2023-01-12', streams: 120 },
        { week: '2023-01-19', streams: 130 },
        { week: '2023-01-26', streams: 140 },
      ]);
      // Prepared values are inlined for DuckDB: the same answer as a literal query.
      const bound = await engine.query(`SELECT count(*) AS n FROM chart_entries WHERE chart = ? AND week BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)`, ['test-chart', '2023-01-12', '2023-01-19']);
      expect(bound.rows).to.deep.equal([{ n: 2 }]);
    } finally {
      await engine.close();
    }
  });

  it('the cache forgets a deleted partition once the crawl does', async () => {
    rmSync(path.join(dir, ...key('2023-01-26').split('/')));
    await crawl(store, duck, { changedKeys: [key('2023-01-26')] });
    // One schema version, no drift: without the cache the view is a glob over the table's folder.
    for (const cache of [cacheFile, false] as const) {
      const engine = await openLakeEngine(store, { duck, cache });
      try {
        const { rows } = await engine.query(`SELECT max(CAST(week AS VARCHAR)) AS last, count(*) AS n, count(label) AS labelled FROM chart_entries`);
        expect(rows, `cache ${cache}`).to.deep.equal([{ last: '2023-01-19', n: 3, labelled: 3 }]);
      } finally {
        await engine.close();
      }
    }
  });
});
