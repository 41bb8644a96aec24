import { expect } from 'chai';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { LocalPipeline } from '../../src/pipeline';
import { FsStore, rawCsvKey } from '../../src/store';
import { readLineage, transformRawObjects, RawObjectRejected } from '../../src/transform';
import type { DuckDbEngine } from '../../src/query';
import { removeDir, requireShared, snapshot, tempDir, US_2023 } from '../support/lake';
import { silentLogger } from '../../src/log';
import { createHash } from 'node:crypto';
import { viewRows } from '../support/rows';

describe('importing the 52 real US weekly charts of 2023', function () {
  let dir: string;
  let pipeline: LocalPipeline;
  let engine: DuckDbEngine;
  const scalar = async (sql: string) => Object.values((await engine.query(sql)).rows[0])[0];

  before(async function () {
    requireShared(this);
    dir = tempDir('us');
    pipeline = await LocalPipeline.open(new FsStore(dir), silentLogger);
    const result = await pipeline.importFiles([US_2023]);
    expect(result.failures).to.deep.equal([]);
    engine = await pipeline.engine();
  });
  after(async () => {
    await engine?.close();
    await pipeline?.close();
    if (dir) removeDir(dir);
  });

  it('gives exactly 10,400 chart_entries rows, ranks 1..200 in each of 52 weeks', async () => {
    expect(await scalar('SELECT count(*) FROM chart_entries')).to.equal(10400);
    const weeks = await engine.query(
      `SELECT week, count(*) AS n, min(rank) AS lo, max(rank) AS hi, count(DISTINCT rank) AS ranks FROM chart_entries GROUP BY week`,
    );
    expect(weeks.rows).to.have.length(52);
    for (const row of weeks.rows) expect([row.n, row.lo, row.hi, row.ranks], String(row.week)).to.deep.equal([200, 1, 200, 200]);
    expect(await scalar('SELECT count(DISTINCT track_id) FROM chart_entries')).to.equal(1192);
  });

  it('keeps the values of the files: 2023-03-02 rank 1 is 6AQbmUe0Qwf5PZnt4HmTXv with 15,636,367 streams', async () => {
    const { rows } = await engine.query(
      `SELECT track_id, track_name, streams, chart, region, CAST(week AS VARCHAR) AS week, previous_rank FROM chart_entries WHERE week = DATE '2023-03-02' AND rank = 1`,
    );
    expect(rows).to.deep.equal([
      { track_id: '6AQbmUe0Qwf5PZnt4HmTXv', track_name: "Boy's a liar Pt. 2", streams: 15636367, chart: 'regional-us-weekly', region: 'us', week: '2023-03-02', previous_rank: 1 },
    ]);
    // previous_rank -1 in the file is NULL in the table, and such an entry is new or a re-entry.
    const statuses = await engine.query(`SELECT DISTINCT entry_status FROM chart_entries WHERE previous_rank IS NULL ORDER BY 1`);
    expect(statuses.rows.map((r) => r.entry_status)).to.deep.equal(['NEW_ENTRY', 'RE_ENTRY']);
  });

  it('declares the types of the contract', async () => {
    const { rows } = await engine.query(`SELECT column_name, column_type FROM (DESCRIBE chart_entries)`);
    const types = Object.fromEntries(rows.map((r) => [r.column_name, r.column_type]));
    expect(types).to.include({ week: 'DATE', chart: 'VARCHAR', rank: 'INTEGER', streams: 'BIGINT', previous_rank: 'INTEGER', track_id: 'VARCHAR' });
  });

  it('has every chart entry\'s track in tracks, and every credited artist in track_artists', async () => {
    expect(await scalar(`SELECT count(*) FROM chart_entries e ANTI JOIN tracks t USING (chart, week, track_id)`)).to.equal(0);
    expect(await scalar(`SELECT count(*) FROM chart_entries e ANTI JOIN track_artists a USING (chart, week, track_id)`)).to.equal(0);
    // "PinkPantheress, Ice Spice" is two credits, in order.
    const credits = await engine.query(`SELECT artist_name, position FROM track_artists WHERE week = DATE '2023-03-02' AND track_id = '6AQbmUe0Qwf5PZnt4HmTXv' ORDER BY position`);
    expect(credits.rows).to.deep.equal([{ artist_name: 'PinkPantheress', position: 1 }, { artist_name: 'Ice Spice', position: 2 }]);
  });

  it('stores each file byte for byte in the raw zone, with a lineage row for each week', async () => {
    const name = 'regional-us-weekly-2023-06-01.csv';
    const raw = readFileSync(path.join(dir, 'raw', 'charts-csv', 'regional-us-weekly', 'week=2023-06-01', name));
    expect(raw.equals(readFileSync(path.join(US_2023, name)))).to.equal(true);
    const lineage = await readLineage(new FsStore(dir), engine.duck);
    expect(lineage).to.have.length(52);
    const week = lineage.find((run) => run.week === '2023-06-01')!;
    expect(week.rawKeys).to.deep.equal([`raw/charts-csv/regional-us-weekly/week=2023-06-01/${name}`]);
    expect(week.rawSha256).to.deep.equal([createHash('sha256').update(raw).digest('hex')]);
    expect(week.rows.chart_entries).to.equal(200);
  });
});

describe('re-import and replay', function () {
  let dir: string;
  let pipeline: LocalPipeline;
  before(function () {
    requireShared(this);
  });
  beforeEach(async () => {
    dir = tempDir('reimport');
    pipeline = await LocalPipeline.open(new FsStore(dir), silentLogger);
  });
  afterEach(async () => {
    await pipeline.close();
    removeDir(dir);
  });

  const files = ['regional-us-weekly-2023-01-05.csv', 'regional-us-weekly-2023-01-12.csv'].map((name) => path.join(US_2023, name));

  it('importing the same weeks twice leaves the same rows, never duplicates', async () => {
    await pipeline.importFiles(files);
    const engine1 = await pipeline.engine();
    const first = await engine1.query('SELECT * FROM chart_entries ORDER BY week, rank');
    await engine1.close();
    const again = await pipeline.importFiles(files);
    expect(again.failures).to.deep.equal([]);
    expect(again.imported.map((i) => i.stored)).to.deep.equal([false, false]);
    const engine2 = await pipeline.engine();
    const second = await engine2.query('SELECT * FROM chart_entries ORDER BY week, rank');
    await engine2.close();
    expect(second.rows).to.have.length(400);
    expect(second.rows).to.deep.equal(first.rows);
  });

  it('replays a raw object from the raw object alone, giving identical rows', async () => {
    await pipeline.importFiles(files.slice(0, 1));
    const rowsBefore = await viewRows(pipeline.store, pipeline.duck);
    removeDir(path.join(dir, 'transformed'));
    const key = rawCsvKey({ chart: 'regional-us-weekly', week: '2023-01-05' }, 'regional-us-weekly-2023-01-05.csv');
    const result = await transformRawObjects([key], { store: pipeline.store, duck: pipeline.duck });
    expect(result.weeks.map((week) => week.rows.chart_entries)).to.deep.equal([200]);
    const rowsAfter = await viewRows(pipeline.store, pipeline.duck);
    expect(rowsAfter).to.deep.equal(rowsBefore);
    expect(rowsAfter.chart_entries).to.have.length(200);
  });
});

describe('bad input: a clear error naming the file, and the lake unchanged', function () {
  let dir: string;
  let inputs: string;
  let pipeline: LocalPipeline;
  const good = () => path.join(US_2023, 'regional-us-weekly-2023-01-05.csv');

  before(function () {
    requireShared(this);
  });
  beforeEach(async () => {
    dir = tempDir('bad');
    inputs = tempDir('bad-inputs');
    pipeline = await LocalPipeline.open(new FsStore(dir), silentLogger);
    await pipeline.importFiles([good()]);
  });
  afterEach(async () => {
    await pipeline.close();
    removeDir(dir);
    removeDir(inputs);
  });

  async function expectRefused(file: string, message: RegExp): Promise<void> {
    const before = snapshot(path.join(dir, 'transformed'));
    const result = await pipeline.importFiles([file]);
    expect(result.failures, file).to.have.length(1);
    expect(result.failures[0].error.message).to.contain(path.basename(file)).and.to.match(message);
    expect(snapshot(path.join(dir, 'transformed'))).to.deep.equal(before);
  }

  function variant(name: string, edit: (text: string) => string): string {
    const file = path.join(inputs, name);
    writeFileSync(file, edit(readFileSync(good(), 'utf8')));
    return file;
  }

  it('a wrong header', async () => {
    await expectRefused(variant('regional-us-weekly-2023-01-12.csv', (t) => t.replace('track_name,source', 'source,track_name')), /header/);
  });

  it('a non-numeric rank: refused with the line, quarantined, nothing transformed', async () => {
    const file = variant('regional-us-weekly-2023-01-12.csv', (t) => t.replace(/\r\n3,/, '\r\nthree,'));
    await expectRefused(file, /line 4: rank is "three"/);
    expect(await pipeline.store.head('quarantine/raw/charts-csv/regional-us-weekly/week=2023-01-12/regional-us-weekly-2023-01-12.csv.error.json')).to.not.equal(undefined);
  });

  it('a missing file', async () => {
    await expectRefused(path.join(inputs, 'regional-us-weekly-2023-01-19.csv'), /no such file/);
  });

  it('a file name without a date', async () => {
    const file = path.join(inputs, 'regional-us-weekly.csv');
    copyFileSync(good(), file);
    await expectRefused(file, /does not say region and week/);
  });

  it('a raw JSON object that is not an envelope', async () => {
    const key = 'raw/spotify/regional-global-weekly/week=2023-01-05/2023-01-06T00-00-00.000Z.json';
    await pipeline.store.put(key, JSON.stringify({ hello: 'world' }));
    const [result] = await pipeline.router.settle();
    expect(result.error).to.be.instanceOf(RawObjectRejected);
    expect(result.error?.message).to.contain(key).and.match(/schema_version/);
    expect(await pipeline.store.head('transformed/chart_entries/chart=regional-global-weekly/year=2023/part-0.parquet')).to.equal(undefined);
  });

  it('a different file under a name already in the lake is refused; the raw object stays as it was', async () => {
    const file = variant('regional-us-weekly-2023-01-05.csv', (t) => t.replace('Kill Bill', 'Kill Bill (edit)'));
    const rawBefore = snapshot(path.join(dir, 'raw'));
    await expectRefused(file, /already holds a different/);
    expect(snapshot(path.join(dir, 'raw'))).to.deep.equal(rawBefore);
  });
});
