import { expect } from 'chai';
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { crawl, describeDrift, openLakeEngine, readCatalog } from '../../src/catalog';
import { memoryLogger } from '../../src/log';
import { DuckDb, sqlString } from '../../src/query';
import { FsStore } from '../../src/store';
import { LocalPipeline } from '../../src/pipeline';
import { silentLogger } from '../../src/log';
import { generateInput } from '../../bench/generate';
import { removeDir, tempDir } from '../support/lake';

/** Hand-made files of a small `chart_entries` table (one per year, `week` a column), written with DuckDB COPY. */
describe('catalog: versions and drift from hand-made Parquet files', function () {
  let dir: string;
  let duck: DuckDb;
  let store: FsStore;
  const key = (week: string) => `transformed/chart_entries/chart=test-chart/year=${week.slice(0, 4)}/part-0.parquet`;
  const write = async (week: string, select: string) => {
    const file = path.join(dir, ...key(week).split('/'));
    mkdirSync(path.dirname(file), { recursive: true });
    await duck.withConnection((c) => c.run(`COPY (SELECT DATE ${sqlString(week)} AS week, * FROM (${select})) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`));
  };

  before(async () => {
    dir = tempDir('catalog');
    duck = await DuckDb.open();
    store = new FsStore(dir);
    await write('2021-01-07', `SELECT CAST(1 AS INTEGER) AS rank, 'a' AS track_id, CAST(100 AS BIGINT) AS streams UNION ALL SELECT 2, 'b', 90`);
  });
  after(() => {
    duck?.close();
    if (dir) removeDir(dir);
  });

  it('catalogs the first partition as version 1, without drift', async () => {
    const catalog = await crawl(store, duck);
    const table = catalog.tables.chart_entries;
    expect(table.versions.map((v) => v.change)).to.deep.equal(['first version']);
    expect(table.columns).to.deep.equal([
      { name: 'week', type: 'DATE' },
      { name: 'rank', type: 'INTEGER' },
      { name: 'track_id', type: 'VARCHAR' },
      { name: 'streams', type: 'BIGINT' },
    ]);
    expect(table.drift).to.deep.equal([]);
    expect(describeDrift(catalog)).to.deep.equal(['no schema drift']);
  });

  it('makes a new nullable column a new version; older partitions read it as NULL', async () => {
    await write('2022-01-06', `SELECT CAST(1 AS INTEGER) AS rank, 'b' AS track_id, CAST(120 AS BIGINT) AS streams, 'Label B' AS label`);
    const catalog = await crawl(store, duck);
    const table = catalog.tables.chart_entries;
    expect(table.versions.map((v) => [v.version, v.change])).to.deep.equal([[1, 'first version'], [2, 'added label']]);
    expect(table.partitions.map((p) => [p.year, p.version])).to.deep.equal([[2021, 1], [2022, 2]]);
    expect(table.drift).to.deep.equal([]);
    expect(table.columns.map((c) => c.name)).to.deep.equal(['week', 'rank', 'track_id', 'streams', 'label']);
    const engine = await openLakeEngine(store, { duck });
    try {
      const { rows } = await engine.query(`SELECT CAST(week AS VARCHAR) AS week, rank, label FROM chart_entries ORDER BY week, rank`);
      expect(rows).to.deep.equal([
        { week: '2021-01-07', rank: 1, label: null },
        { week: '2021-01-07', rank: 2, label: null },
        { week: '2022-01-06', rank: 1, label: 'Label B' },
      ]);
    } finally {
      await engine.close();
    }
  });

  it('reports a changed type as drift naming the file, and leaves that file out of the view (no cast)', async () => {
    await write('2023-01-05', `SELECT CAST(1 AS INTEGER) AS rank, 'c' AS track_id, '130' AS streams, 'Label C' AS label`);
    const catalog = await crawl(store, duck);
    const table = catalog.tables.chart_entries;
    expect(table.versions.map((v) => v.change)).to.deep.equal(['first version', 'added label', 'type changed: streams BIGINT → VARCHAR']);
    expect(table.drift).to.deep.equal([
      {
        column: 'streams',
        expected: 'BIGINT',
        types: [
          { type: 'BIGINT', partitions: [key('2021-01-07'), key('2022-01-06')] },
          { type: 'VARCHAR', partitions: [key('2023-01-05')] },
        ],
        excluded: [key('2023-01-05')],
      },
    ]);
    expect(table.columns.find((c) => c.name === 'streams')).to.deep.equal({ name: 'streams', type: 'BIGINT' });
    expect(table.partitions.filter((p) => p.drifted).map((p) => p.year)).to.deep.equal([2023]);
    // What `chartlake tables --drift` prints, from the catalog file on disk.
    const report = describeDrift((await readCatalog(store))!);
    expect(report[0]).to.equal('chart_entries.streams: type drift, the table keeps BIGINT');
    expect(report).to.include(`    ${key('2023-01-05')}`);
    expect(report.join('\n')).to.match(/VARCHAR in 1 partition\(s\) \(left out of the view/);

    const log = memoryLogger();
    const engine = await openLakeEngine(store, { duck, log });
    try {
      const types = await engine.query(`SELECT column_type FROM (DESCRIBE chart_entries) WHERE column_name = 'streams'`);
      expect(types.rows).to.deep.equal([{ column_type: 'BIGINT' }]);
      const { rows } = await engine.query(`SELECT CAST(week AS VARCHAR) AS week, count(*) AS n FROM chart_entries GROUP BY week ORDER BY week`);
      expect(rows).to.deep.equal([{ week: '2021-01-07', n: 2 }, { week: '2022-01-06', n: 1 }]);
    } finally {
      await engine.close();
    }
    const lines = log.lines.map((line) => JSON.parse(line) as { level: string; message: string; partitions?: string[] });
    const warnings = lines.filter((line) => line.level === 'warn');
    expect(warnings).to.have.length(1);
    expect(warnings[0].message).to.match(/chart_entries: 1 file\(s\) left out of the view because of schema drift/);
    expect(warnings[0].partitions).to.deep.equal([key('2023-01-05')]);
  });

  it('clears the drift once the file is rewritten with the established type', async () => {
    await write('2023-01-05', `SELECT CAST(1 AS INTEGER) AS rank, 'c' AS track_id, CAST(130 AS BIGINT) AS streams, 'Label C' AS label`);
    const catalog = await crawl(store, duck);
    const table = catalog.tables.chart_entries;
    expect(table.drift).to.deep.equal([]);
    expect(table.partitions.map((p) => [p.year, p.version, p.drifted ?? false])).to.deep.equal([
      [2021, 1, false],
      [2022, 2, false],
      [2023, 2, false],
    ]);
    const engine = await openLakeEngine(store, { duck });
    try {
      const { rows } = await engine.query(`SELECT sum(streams) AS streams, count(DISTINCT label) AS labels FROM chart_entries`);
      expect(rows).to.deep.equal([{ streams: 100 + 90 + 120 + 130, labels: 2 }]);
    } finally {
      await engine.close();
    }
  });

  it('a crawl after a rewritten and a new file equals a crawl from nothing (the catalog is derived from the files)', async () => {
    await write('2024-01-04', `SELECT CAST(1 AS INTEGER) AS rank, 'd' AS track_id, CAST(140 AS BIGINT) AS streams, 'Label D' AS label`);
    await write('2021-01-07', `SELECT CAST(1 AS INTEGER) AS rank, 'a' AS track_id, CAST(105 AS BIGINT) AS streams, 'Label A' AS label`);
    const again = await crawl(store, duck, { now: new Date('2024-01-01T00:00:00Z') });
    expect(again.tables.chart_entries.partitions.map((p) => [p.year, p.version])).to.deep.equal([[2021, 2], [2022, 2], [2023, 2], [2024, 2]]);
    expect(again.tables.chart_entries.versions.map((v) => v.partitions)).to.deep.equal([0, 4, 0]);
    expect(again.tables.chart_entries.charts['test-chart']).to.deep.equal({ partitions: 4, first_year: 2021, last_year: 2024 });
    await store.delete('catalog.json');
    const fresh = await crawl(store, duck, { now: new Date('2024-01-01T00:00:00Z') });
    const files = (catalog: typeof fresh) => catalog.tables.chart_entries.partitions.map((p) => [p.key, p.size, p.last_modified]);
    expect(files(fresh)).to.deep.equal(files(again));
    expect(fresh.tables.chart_entries.columns).to.deep.equal(again.tables.chart_entries.columns);

    const engine = await openLakeEngine(store, { duck });
    try {
      const { rows } = await engine.query(`SELECT CAST(week AS VARCHAR) AS week, sum(streams) AS streams FROM chart_entries GROUP BY week ORDER BY week`);
      expect(rows).to.deep.equal([
        { week: '2021-01-07', streams: 105 },
        { week: '2022-01-06', streams: 120 },
        { week: '2023-01-05', streams: 130 },
        { week: '2024-01-04', streams: 140 },
      ]);
      // Prepared values are inlined for DuckDB: the same answer as a literal query.
      const bound = await engine.query(`SELECT count(*) AS n FROM chart_entries WHERE chart = ? AND week BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)`, ['test-chart', '2022-01-01', '2023-12-31']);
      expect(bound.rows).to.deep.equal([{ n: 2 }]);
    } finally {
      await engine.close();
    }
  });

  it('forgets a deleted file at the next crawl', async () => {
    rmSync(path.join(dir, ...key('2024-01-04').split('/')));
    await crawl(store, duck);
    const engine = await openLakeEngine(store, { duck });
    try {
      const { rows } = await engine.query(`SELECT max(CAST(week AS VARCHAR)) AS last, count(*) AS n, count(label) AS labelled FROM chart_entries`);
      expect(rows).to.deep.equal([{ last: '2023-01-05', n: 3, labelled: 3 }]);
    } finally {
      await engine.close();
    }
  });

  it('rebuilds a damaged catalog.json from the files (a kill cannot leave it unreadable for long)', async () => {
    await store.put('catalog.json', '{"format": 3, "tables": {"chart_entries": {"partitions": [');
    expect(await readCatalog(store)).to.equal(undefined);
    const engine = await openLakeEngine(store, { duck });
    try {
      const { rows } = await engine.query(`SELECT count(*) AS n FROM chart_entries`);
      expect(rows).to.deep.equal([{ n: 3 }]);
    } finally {
      await engine.close();
    }
    expect((await readCatalog(store))?.tables.chart_entries.partitions).to.have.length(3);
  });
});

/**
 * A crawl told which folders changed (an import names its charts' and the lake-wide tables') lists only those and
 * keeps the catalog's other partitions: the same catalog as a full crawl whenever nothing else changed.
 */
describe('catalog: a crawl of the folders that changed', function () {
  this.timeout(60_000);
  let dir: string;
  let duck: DuckDb;
  let store: FsStore;
  const NOW = new Date('2024-06-01T00:00:00Z');
  const key = (chart: string, year: number) => `transformed/chart_entries/chart=${chart}/year=${year}/part-0.parquet`;
  const prefix = (chart: string) => `transformed/chart_entries/chart=${chart}/`;
  const write = async (objectKey: string, select: string) => {
    const file = path.join(dir, ...objectKey.split('/'));
    mkdirSync(path.dirname(file), { recursive: true });
    await duck.withConnection((c) => c.run(`COPY (${select}) TO ${sqlString(file)} (FORMAT parquet)`));
  };
  const fullCrawl = async () => {
    const kept = await store.get('catalog.json');
    await store.delete('catalog.json');
    try {
      return await crawl(store, duck, { now: NOW });
    } finally {
      if (kept) await store.put('catalog.json', kept);
    }
  };
  const files = (catalog: Awaited<ReturnType<typeof crawl>>) =>
    Object.values(catalog.tables).flatMap((table) => table.partitions.map((p) => `${p.key} ${p.size} ${p.last_modified} v${p.version}`));

  before(async () => {
    dir = tempDir('crawl-changed');
    duck = await DuckDb.open();
    store = new FsStore(dir);
    for (const chart of ['a', 'b']) await write(key(chart, 2021), `SELECT DATE '2021-01-07' AS week, 1 AS rank`);
    await write('transformed/songs/part-2023.parquet', `SELECT 'x' AS track_id, 'x' AS song_id`);
  });
  after(() => {
    duck?.close();
    if (dir) removeDir(dir);
  });

  it('without a catalog lists everything; with one, only the folders named', async () => {
    const first = await crawl(store, duck, { now: NOW, changed: [prefix('a')] });
    expect(files(first)).to.deep.equal(files(await fullCrawl()));
    expect(first.tables.songs.partitions).to.have.length(1);

    // a gets a new year, b's file is rewritten with another column: a crawl of a's folder sees a's file only.
    await write(key('a', 2022), `SELECT DATE '2022-01-06' AS week, 1 AS rank`);
    await write(key('b', 2021), `SELECT DATE '2021-01-07' AS week, 1 AS rank, 'L' AS label`);
    const ofA = await crawl(store, duck, { now: NOW, changed: [prefix('a')] });
    expect(ofA.tables.chart_entries.partitions.map((p) => `${p.chart} ${p.year} v${p.version}`)).to.deep.equal(['a 2021 v1', 'a 2022 v1', 'b 2021 v1']);
    expect(files(ofA)).to.not.deep.equal(files(await fullCrawl()));
    // Once b's folder is named too, the catalog is what a crawl from nothing makes.
    const ofB = await crawl(store, duck, { now: NOW, changed: [prefix('b'), 'transformed/songs/part-2023.parquet'] });
    expect(files(ofB)).to.deep.equal(files(await fullCrawl()));
    expect(ofB.tables.chart_entries.columns.map((c) => c.name)).to.deep.equal(['week', 'rank', 'label']);

    // A file removed from a folder named is forgotten.
    rmSync(path.join(dir, ...key('a', 2022).split('/')));
    const removed = await crawl(store, duck, { now: NOW, changed: [prefix('a')] });
    expect(removed.tables.chart_entries.partitions.map((p) => `${p.chart} ${p.year}`)).to.deep.equal(['a 2021', 'b 2021']);
    expect(files(removed)).to.deep.equal(files(await fullCrawl()));
  });
  it("an import's crawl (its charts' folders and songs) leaves the catalog a full crawl makes", async () => {
    const lake = path.join(dir, 'imported');
    const input = await generateInput(path.join(dir, 'input'), { regions: 2, weeks: 3 });
    const pipeline = await LocalPipeline.open(new FsStore(lake), silentLogger);
    try {
      const [last] = input.files.filter((file) => file.week === input.weeks[2]);
      const earlier = input.files.filter((file) => file !== last);
      expect((await pipeline.importFiles(earlier.map((file) => file.file))).failures).to.deep.equal([]);
      const imported = await pipeline.importFiles([last.file]);
      expect(imported.weeks.map((week) => week.chart)).to.deep.equal([`regional-${last.region}-weekly`]);
      const lakeStore = new FsStore(lake);
      const scoped = await readCatalog(lakeStore);
      await lakeStore.delete('catalog.json');
      const full = await crawl(lakeStore, pipeline.duck);
      expect(files(scoped!)).to.deep.equal(files(full));
      expect(Object.keys(scoped!.tables)).to.deep.equal(Object.keys(full.tables));
    } finally {
      await pipeline.close();
    }
  });
});
