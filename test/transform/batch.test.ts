import { expect } from 'chai';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { silentLogger } from '../../src/log';
import { LocalPipeline } from '../../src/pipeline';
import { DuckDb } from '../../src/query';
import { FsStore, lineageKey, partitionKey, quarantineKey, rawCsvKey } from '../../src/store';
import { importChartsCsv } from '../../src/extract/import-csv';
import { RawObjectRejected, TABLES, transformRawBatch, transformRawObject } from '../../src/transform';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';

const CHART = 'regional-us-weekly';

describe('batch transform (many raw objects, one DuckDB pass)', function () {
  let eventDir: string;
  let batchDir: string;
  let duck: DuckDb;
  let weeks: string[];

  before(async function () {
    requireShared(this);
    duck = await DuckDb.open();
    eventDir = tempDir('batch-event');
    batchDir = tempDir('batch-batch');
    const names = readdirSync(US_2023).filter((name) => name.endsWith('.csv')).sort();
    weeks = names.map((name) => /(\d{4}-\d{2}-\d{2})\.csv$/.exec(name)![1]);
    const eventStore = new FsStore(eventDir);
    const batchStore = new FsStore(batchDir);
    const keys: string[] = [];
    for (const name of names) {
      const bytes = readFileSync(path.join(US_2023, name));
      const entry = await importChartsCsv(eventStore, name, bytes);
      await importChartsCsv(batchStore, name, bytes);
      await transformRawObject(entry.rawKey, { store: eventStore, duck });
      keys.push(entry.rawKey);
    }
    // Small chunks, so the test also crosses chunk boundaries.
    const results = await transformRawBatch(keys, { store: batchStore, duck }, { chunkSize: 20 });
    expect(results.map((result) => result.error)).to.deep.equal(keys.map(() => undefined));
    expect(results.map((result) => result.rawKey)).to.deep.equal(keys);
  });
  after(() => {
    duck?.close();
    if (eventDir) removeDir(eventDir);
    if (batchDir) removeDir(batchDir);
  });

  async function fileRows(file: string) {
    return duck.withConnection(async (connection) => ({
      rows: await connection.all(`SELECT * FROM read_parquet('${file}', hive_partitioning = false) ORDER BY ALL`),
      types: await connection.all(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${file}', hive_partitioning = false))`),
    }));
  }

  it('writes the same partitions, rows and types as the event path, for all 5 tables of 52 weeks', async () => {
    let compared = 0;
    let entries = 0;
    for (const table of TABLES) {
      for (const week of weeks) {
        const key = partitionKey(table, { chart: CHART, week });
        const fromEvents = await fileRows(path.join(eventDir, key));
        const fromBatch = await fileRows(path.join(batchDir, key));
        expect(fromBatch, `${key}`).to.deep.equal(fromEvents);
        expect(fromBatch.types.map((type) => type.column_name)).to.not.include.members(['chart', 'week']);
        if (table === 'chart_entries') entries += fromBatch.rows.length;
        compared += 1;
      }
    }
    expect(compared).to.equal(260);
    expect(entries).to.equal(10400);
    const listing = (dir: string) => readdirSync(path.join(dir, 'transformed', 'tracks', `chart=${CHART}`)).sort();
    expect(listing(batchDir)).to.deep.equal(listing(eventDir));
  });

  it('writes the same lineage per week (raw key, size, sha256, row counts, partitions)', () => {
    for (const week of weeks) {
      const read = (dir: string) => {
        const { transformed_at: _at, ...rest } = JSON.parse(readFileSync(path.join(dir, lineageKey({ chart: CHART, week })), 'utf8'));
        return rest;
      };
      expect(read(batchDir), week).to.deep.equal(read(eventDir));
    }
    const first = JSON.parse(readFileSync(path.join(batchDir, lineageKey({ chart: CHART, week: weeks[0] })), 'utf8'));
    expect(first.rows).to.deep.equal({ chart_entries: 200, tracks: 200, track_artists: first.rows.track_artists, albums: 0, artists: 0 });
    expect(first.rows.track_artists).to.be.greaterThan(200);
  });
});

describe('batch import: a bad file is quarantined alone', function () {
  let dir: string;
  let inputs: string;
  let pipeline: LocalPipeline;

  before(function () {
    requireShared(this);
  });
  beforeEach(async () => {
    dir = tempDir('batch-bad');
    inputs = tempDir('batch-bad-inputs');
    pipeline = await LocalPipeline.open(new FsStore(dir), silentLogger);
  });
  afterEach(async () => {
    await pipeline.close();
    removeDir(dir);
    removeDir(inputs);
  });

  it('refuses only the failing week (with the event path\'s report); the other weeks land', async () => {
    const names = ['regional-us-weekly-2023-01-05.csv', 'regional-us-weekly-2023-01-12.csv', 'regional-us-weekly-2023-01-19.csv'];
    for (const name of names) writeFileSync(path.join(inputs, name), readFileSync(path.join(US_2023, name)));
    // Streams rise as the rank falls at rank 2: a quality gate, not a parse error.
    const bad = path.join(inputs, names[1]);
    const lines = readFileSync(bad, 'utf8').split('\r\n');
    lines[2] = lines[2].replace(/"\d+"$/, '"999999999"');
    writeFileSync(bad, lines.join('\r\n'));

    const result = await pipeline.importFiles([inputs]);
    expect(result.imported).to.have.length(3);
    expect(result.weeks.map((week) => week.week)).to.deep.equal(['2023-01-05', '2023-01-19']);
    expect(result.failures).to.have.length(1);
    expect(result.failures[0].file).to.equal(bad);
    expect(result.failures[0].error).to.be.instanceOf(RawObjectRejected);
    expect(result.failures[0].error.message).to.match(/streams_rise_as_rank_falls/);

    const rawKey = rawCsvKey({ chart: CHART, week: '2023-01-12' }, names[1]);
    const report = JSON.parse((await pipeline.store.get(quarantineKey(rawKey)))!.toString('utf8'));
    expect(report.failures.map((failure: { check: string }) => failure.check)).to.include('streams_rise_as_rank_falls');
    for (const table of TABLES) {
      expect(await pipeline.store.head(partitionKey(table, { chart: CHART, week: '2023-01-12' })), table).to.equal(undefined);
      expect(await pipeline.store.head(partitionKey(table, { chart: CHART, week: '2023-01-19' })), table).to.not.equal(undefined);
    }
    expect(await pipeline.store.head(lineageKey({ chart: CHART, week: '2023-01-12' }))).to.equal(undefined);
  });
});
