import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { formatReport, runBench, type BenchReport } from '../../bench/main';
import { generateInput } from '../../bench/generate';
import { duckdbOnlyImport } from '../../bench/limit';
import { DUCKDB_FLOOR, SAVED_FROM_SHELL } from '../../bench/steps';
import { silentLogger } from '../../src/log';
import { LocalPipeline } from '../../src/pipeline';
import { DuckDb, listSavedAnalyses } from '../../src/query';
import { FsStore } from '../../src/store';
import { chartsCsvHeaderProblem, parseChartsCsvName } from '../../src/transform';
import { removeDir, requireShared, tempDir } from '../support/lake';
import { songsFileRows } from '../support/rows';

describe('bench (2 regions × 3 weeks, in process: it runs, it cannot rot; no timings asserted)', function () {
  let results: string;
  let report: BenchReport;

  before(async function () {
    this.timeout(600_000);
    results = tempDir('bench-results');
    // The compiled CLI is timed once per command (it is built first, as `npm run bench` expects); the real US year
    // is imported and queried too when ../shared is there.
    (require('../../scripts/build.js') as { ensureBuilt(options?: { quiet?: boolean }): boolean }).ensureBuilt({ quiet: true });
    report = await runBench({ regions: 2, weeks: 3, resultsDir: results, isolate: false, increments: 1, queryRuns: 1, log: () => {} });
  });
  after(() => removeDir(results));

  it('writes the same number of rows by every method', () => {
    expect(report.scale).to.deep.equal({ regions: 2, weeks: 3, files: 6, rows: 1200 });
    expect([report.backfill.rows, report.limit.rows, report.limitPerWeek.rows, report.usual.rows]).to.deep.equal([1200, 1200, 1200, 1200]);
  });

  it('profiles the songs rebuild statement by statement and times it in every batch', () => {
    expect(report.songs.statements.map((item) => item.statement)).to.include.members(['songs-final: CREATE OR REPLACE TEMP TABLE songs AS']);
    expect(report.songs.rows).to.be.greaterThan(0);
    expect(report.backfill.detail?.songsRuns).to.have.length(1);
    for (const item of report.increment) expect(item.songsMs).to.be.greaterThan(0);
  });

  it('runs every saved analysis on the real US year when ../shared is there', function () {
    if (!report.real) {
      requireShared(this);
      return;
    }
    expect(report.real.files).to.equal(52);
    expect(report.real.rows).to.equal(52 * 200);
    expect(report.real.queries.map((query) => query.name)).to.deep.equal(listSavedAnalyses().map((analysis) => analysis.name));
  });

  it('measures increments on lakes of 1 and 3 weeks and every saved analysis that exists', () => {
    expect(report.increment.map((item) => item.lakeWeeks)).to.deep.equal([1, 3]);
    for (const item of report.increment) expect(item.ms).to.be.greaterThan(0);
    expect(report.queries.map((query) => query.name)).to.deep.equal(listSavedAnalyses().map((analysis) => analysis.name));
  });

  it('times the compiled CLI from a shell: --help, and every saved analysis that ran on the generated lake', () => {
    const commands = (report.cli ?? []).map((item) => item.command);
    expect(commands).to.include.members(['node -e 0', DUCKDB_FLOOR, 'chartlake --help']);
    const ran = report.queries.filter((query) => !query.skipped).map((query) => query.name);
    expect(ran.length).to.be.greaterThan(5);
    expect(commands.filter((command) => command.startsWith(SAVED_FROM_SHELL)).map((command) => command.slice(SAVED_FROM_SHELL.length))).to.deep.equal(ran);
    const target = report.targets.find((item) => item.target.includes('from a shell'));
    expect(target?.value).to.match(/^\d+–\d+ ms median \(slowest [a-z-]+; Node and DuckDB alone \d+ ms\)$/);
  });

  it('writes results/<date>.json with every section and the machine, and prints a table', () => {
    const files = readdirSync(results);
    expect(files).to.have.length(1);
    expect(files[0]).to.match(/^\d{4}-\d{2}-\d{2}\.json$/);
    const json = JSON.parse(readFileSync(path.join(results, files[0]), 'utf8')) as BenchReport;
    expect(Object.keys(json)).to.include.members(['machine', 'scale', 'backfill', 'limit', 'limitPerWeek', 'usual', 'ratios', 'increment', 'songs', 'queries', 'targets']);
    expect(json.machine.cores).to.be.greaterThan(0);
    expect(json.machine.memoryGiB).to.be.greaterThan(0);
    expect(json.targets).to.have.length(8);
    const table = formatReport(json);
    expect(table).to.contain('| chartlake import |').and.to.contain('one DuckDB pass').and.to.contain('the usual approach').and.to.contain('songs rebuild');
  });
});

describe('bench input generator', function () {
  let dir: string;
  before(() => (dir = tempDir('bench-input')));
  after(() => removeDir(dir));

  it('writes real-format Spotify Charts CSVs: BOM, CRLF, Thursdays, ranks 1..200, streams non-increasing, -1 for new', async () => {
    const input = await generateInput(dir, { regions: 2, weeks: 2 });
    expect(input.files).to.have.length(4);
    for (const { file, week } of input.files) {
      const bytes = readFileSync(file);
      expect(chartsCsvHeaderProblem(bytes)).to.equal(undefined);
      expect(parseChartsCsvName(path.basename(file)).week).to.equal(week);
      expect(new Date(`${week}T00:00:00Z`).getUTCDay()).to.equal(4);
      const text = bytes.toString('utf8');
      expect(text.startsWith('\uFEFF')).to.equal(true);
      const lines = text.split('\r\n').filter(Boolean).slice(1);
      expect(lines).to.have.length(200);
      const rows = lines.map((line) => /^(\d+),"spotify:track:([0-9A-Za-z]{22})",".*",(\d+),(-?\d+),(\d+),"(\d+)"$/.exec(line)!);
      expect(rows.every(Boolean)).to.equal(true);
      expect(rows.map((row) => Number(row[1]))).to.deep.equal(Array.from({ length: 200 }, (_, index) => index + 1));
      const streams = rows.map((row) => Number(row[6]));
      for (let index = 1; index < streams.length; index += 1) expect(streams[index]).to.be.at.most(streams[index - 1]);
      if (week === input.weeks[0]) expect(rows.every((row) => row[4] === '-1')).to.equal(true);
    }
  });
});

describe('the limit writes the rows an import writes (what the backfill is compared with)', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = tempDir('bench-limit')));
  after(() => removeDir(dir));

  it('the same rows of chart_entries, tracks and track_artists, a lineage row per week, one file per table and chart-year, and the same songs', async () => {
    const input = await generateInput(path.join(dir, 'input'), { regions: 2, weeks: 3 });
    const files = input.files.map((item) => item.file);
    const limit = await duckdbOnlyImport(files, path.join(dir, 'limit'), 'chart-year');
    expect(limit.tablesMs).to.be.greaterThan(0);
    expect(limit.songsMs).to.be.greaterThan(0);
    const lake = path.join(dir, 'lake');
    const pipeline = await LocalPipeline.open(new FsStore(lake), silentLogger);
    try {
      await pipeline.importFiles(files);
    } finally {
      await pipeline.close();
    }
    const duck = await DuckDb.open();
    try {
      const rows = (root: string, table: string, columns: string) =>
        duck.withConnection((connection) =>
          connection.all<{ rows: string }>(`SELECT count(*) AS rows, count(DISTINCT filename) AS files, string_agg(DISTINCT ${columns}, '|' ORDER BY ${columns}) AS sample FROM read_parquet('${root}/transformed/${table}/*/*/*.parquet', filename = true, hive_partitioning = true)`),
        );
      for (const [table, columns] of [['chart_entries', "chart || week || rank || track_id"], ['tracks', "chart || week || track_id || name"], ['track_artists', "chart || week || track_id || artist_name || position"], ['_lineage', "chart || week"]]) {
        expect(await rows(path.join(dir, 'limit'), table, columns), table).to.deep.equal(await rows(lake, table, columns));
      }
      // songs: every row the same, in the file of the same year, read from the lake-wide files each wrote.
      const imported = await songsFileRows(duck, lake);
      expect(imported.length).to.be.greaterThan(0);
      expect(await songsFileRows(duck, path.join(dir, 'limit'))).to.deep.equal(imported);
    } finally {
      duck.close();
    }
  });
});
