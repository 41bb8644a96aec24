import { expect } from 'chai';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { silentLogger } from '../../src/log';
import { LocalPipeline } from '../../src/pipeline';
import { DuckDb } from '../../src/query';
import { FsStore, quarantineKey, rawCsvKey, songIdentityKey, TRANSFORMED_PREFIX } from '../../src/store';
import { importChartsCsv } from '../../src/extract/import-csv';
import { readLineage, RawObjectRejected, transformRawObjects } from '../../src/transform';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';
import { viewRows } from '../support/rows';

const CHART = 'regional-us-weekly';

describe('one transform: a batch of many raw objects equals one event at a time', function () {
  let oneByOneDir: string;
  let batchDir: string;
  let duck: DuckDb;

  before(async function () {
    requireShared(this);
    duck = await DuckDb.open();
    oneByOneDir = tempDir('one-by-one');
    batchDir = tempDir('batch');
    const names = readdirSync(US_2023).filter((name) => name.endsWith('.csv')).sort();
    const oneByOne = new FsStore(oneByOneDir);
    const batch = new FsStore(batchDir);
    const keys: string[] = [];
    for (const name of names) {
      const bytes = readFileSync(path.join(US_2023, name));
      const entry = await importChartsCsv(oneByOne, name, bytes);
      await importChartsCsv(batch, name, bytes);
      const result = await transformRawObjects([entry.rawKey], { store: oneByOne, duck });
      expect(result.refused).to.deep.equal([]);
      keys.push(entry.rawKey);
    }
    const result = await transformRawObjects(keys, { store: batch, duck });
    expect(result.refused).to.deep.equal([]);
    expect(result.weeks).to.have.length(52);
  });
  after(() => {
    duck?.close();
    if (oneByOneDir) removeDir(oneByOneDir);
    if (batchDir) removeDir(batchDir);
  });

  it('gives the same rows and types in every table, 10,400 chart entries of 52 weeks', async () => {
    const oneByOne = await viewRows(new FsStore(oneByOneDir), duck);
    const batch = await viewRows(new FsStore(batchDir), duck);
    expect(batch).to.deep.equal(oneByOne);
    expect(batch.chart_entries).to.have.length(10400);
    expect(new Set(batch.chart_entries.map((row) => (row as { week: string }).week)).size).to.equal(52);
  });

  it('keeps one file per table and chart-year, whatever the number of weeks (6 files for a year, the lake-wide songs and its state)', async () => {
    for (const dir of [oneByOneDir, batchDir]) {
      const files = (await new FsStore(dir).list(TRANSFORMED_PREFIX)).map((object) => object.key).filter((key) => key.endsWith('.parquet'));
      expect(files.sort()).to.deep.equal(
        [
          ...['_lineage', 'albums', 'artists', 'chart_entries', 'track_artists', 'tracks'].map((table) => `transformed/${table}/chart=${CHART}/year=2023/part-0.parquet`),
          'transformed/songs/part-2023.parquet',
          // song identity's state, beside the tables (not a table)
          ...(['ids', 'changed-ids', 'links', 'weeks'] as const).map(songIdentityKey),
        ].sort(),
      );
    }
  });

  it('writes a file sorted by week and rank, with week a column and chart/year as folders', async () => {
    const file = path.join(batchDir, 'transformed', 'chart_entries', `chart=${CHART}`, 'year=2023', 'part-0.parquet');
    const rows = await duck.withConnection((connection) => connection.all<{ week: string; rank: number }>(`SELECT week, rank FROM read_parquet('${file}', hive_partitioning = false)`));
    const sorted = [...rows].sort((a, b) => a.week.localeCompare(b.week) || a.rank - b.rank);
    expect(rows).to.deep.equal(sorted);
    const columns = await duck.withConnection((connection) => connection.all<{ column_name: string }>(`DESCRIBE SELECT * FROM read_parquet('${file}', hive_partitioning = false)`));
    expect(columns.map((column) => column.column_name)).to.include.members(['week', 'run_id']).and.not.include.members(['chart', 'year']);
  });

  it('records one lineage row per week: raw object, depth 200, not enriched, no warning on the real exports', async () => {
    const lineage = await readLineage(new FsStore(batchDir), duck);
    expect(lineage).to.have.length(52);
    expect(lineage.every((week) => week.depth === 200 && !week.enriched && week.rawKeys.length === 1 && week.sourceKey === week.rawKeys[0])).to.equal(true);
    expect(lineage.flatMap((week) => week.warnings)).to.deep.equal([]);
  });
});

describe('one transform: a bad file in a batch is quarantined alone', function () {
  let dir: string;
  let inputs: string;
  let pipeline: LocalPipeline;
  const names = ['regional-us-weekly-2023-01-05.csv', 'regional-us-weekly-2023-01-12.csv', 'regional-us-weekly-2023-01-19.csv'];

  before(function () {
    requireShared(this);
  });
  beforeEach(async () => {
    dir = tempDir('batch-bad');
    inputs = tempDir('batch-bad-inputs');
    pipeline = await LocalPipeline.open(new FsStore(dir), silentLogger);
    for (const name of names) writeFileSync(path.join(inputs, name), readFileSync(path.join(US_2023, name)));
  });
  afterEach(async () => {
    await pipeline.close();
    removeDir(dir);
    removeDir(inputs);
  });

  it('refuses only the corrupt week (a duplicate rank), with its report; the other weeks land', async () => {
    const bad = path.join(inputs, names[1]);
    const lines = readFileSync(bad, 'utf8').split('\r\n');
    lines[3] = lines[3].replace(/^"?3"?,/, '2,'); // rank 3 says 2: two entries at rank 2
    writeFileSync(bad, lines.join('\r\n'));

    const result = await pipeline.importFiles([inputs]);
    expect(result.imported).to.have.length(3);
    expect(result.weeks.map((week) => week.week)).to.deep.equal(['2023-01-05', '2023-01-19']);
    expect(result.failures).to.have.length(1);
    expect(result.failures[0].file).to.equal(bad);
    expect(result.failures[0].error).to.be.instanceOf(RawObjectRejected);
    expect(result.failures[0].error.message).to.match(/duplicate_rank: rank 2 appears 2 times/);

    const rawKey = rawCsvKey({ chart: CHART, week: '2023-01-12' }, names[1]);
    const report = JSON.parse((await pipeline.store.get(quarantineKey(rawKey)))!.toString('utf8'));
    expect(report.failures.map((failure: { check: string }) => failure.check)).to.include('duplicate_rank');
    const rows = await viewRows(pipeline.store, pipeline.duck);
    expect([...new Set(rows.chart_entries.map((row) => (row as { week: string }).week))]).to.deep.equal(['2023-01-05', '2023-01-19']);
    expect(rows.chart_entries).to.have.length(400);
  });

  it('removes the report of a raw object that passes now (refused by older rules), and no other report', async () => {
    await pipeline.importFiles([path.join(inputs, names[0])]);
    const passing = rawCsvKey({ chart: CHART, week: '2023-01-05' }, names[0]);
    // As an older version's gates would have left them: a report for the object that passes now, one for a week
    // of another chart, and one beside it for another object of the same chart.
    const other = quarantineKey(rawCsvKey({ chart: 'regional-gb-weekly', week: '2023-01-05' }, 'regional-gb-weekly-2023-01-05.csv'));
    const sibling = quarantineKey(rawCsvKey({ chart: CHART, week: '2023-01-12' }, names[1]));
    for (const key of [quarantineKey(passing), other, sibling]) await pipeline.store.put(key, JSON.stringify({ raw_key: key, failures: [] }));

    const result = await transformRawObjects([passing], pipeline.router.context);
    expect(result.refused).to.deep.equal([]);
    expect(await pipeline.store.head(quarantineKey(passing))).to.equal(undefined);
    expect(await pipeline.store.head(other)).to.not.equal(undefined);
    expect(await pipeline.store.head(sibling)).to.not.equal(undefined);
  });

  it('keeps a week whose streams rise as the rank falls, with a warning in its lineage', async () => {
    const odd = path.join(inputs, names[1]);
    const lines = readFileSync(odd, 'utf8').split('\r\n');
    lines[2] = lines[2].replace(/"?\d+"?$/, '"999999999"'); // rank 2 streams more than rank 1
    writeFileSync(odd, lines.join('\r\n'));

    const result = await pipeline.importFiles([inputs]);
    expect(result.failures).to.deep.equal([]);
    const week = result.weeks.find((candidate) => candidate.week === '2023-01-12')!;
    expect(week.warnings.map((warning) => warning.check)).to.deep.equal(['streams_rise_as_rank_falls']);
    expect(week.warnings[0].detail).to.match(/rank 2 has 999999999 streams, more than rank 1/);
    expect(week.rows.chart_entries).to.equal(200);
  });
});
