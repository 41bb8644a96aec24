import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { crawl, createLakeViews, openLakeEngine } from '../../src/catalog';
import { importChartsCsv } from '../../src/extract/import-csv';
import { DuckDb, exportSelect, literalFilePath, type DuckDbEngine } from '../../src/query';
import { FsStore } from '../../src/store';
import { transformRawObjects } from '../../src/transform';
import { removeDir, requireShared, snapshot, tempDir, US_2023 } from '../support/lake';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'chartlake.js');
const WEEK_FILE = 'regional-us-weekly-2023-01-05.csv';
const PATTERN = /holds a character DuckDB reads as a file pattern/;

/**
 * Issue 14.5: `--lake 'data/lake?'` must not read `data/lakeA`. DuckDB expands * ? [ ] { } in file paths and has no
 * way to quote them, so every place a local path reaches SQL refuses such a path through one helper
 * (literalFilePath): the views, the crawler's footers, the transform's raw reads and work folder, export's COPY,
 * and the CLI's --lake check (which covers forecast, report and every other command before any work).
 */
describe('odd paths: a lake path with file-pattern characters reads no other lake', function () {
  this.timeout(120_000);
  let dir: string;
  let duck: DuckDb;
  let lakeA: string;
  let patterned: string;

  before(async function () {
    requireShared(this);
    (require('../../scripts/build.js') as { ensureBuilt(options?: { quiet?: boolean }): boolean }).ensureBuilt({ quiet: true });
    dir = tempDir('odd-paths');
    duck = await DuckDb.open();
    lakeA = path.join(dir, 'lakeA');
    patterned = path.join(dir, 'lake?');
    const store = new FsStore(lakeA);
    const entry = await importChartsCsv(store, WEEK_FILE, readFileSync(path.join(US_2023, WEEK_FILE)));
    const done = await transformRawObjects([entry.rawKey], { store, duck });
    expect(done.weeks).to.have.length(1);
    await crawl(store, duck);
    // `lake?` holds a copy of lakeA's raw zone only: a reader that expanded the pattern would find lakeA's tables.
    mkdirSync(patterned, { recursive: true });
    cpSync(path.join(lakeA, 'raw'), path.join(patterned, 'raw'), { recursive: true });
  });
  after(() => {
    duck?.close();
    if (dir) removeDir(dir);
  });

  it('the helper refuses each pattern character and passes an ordinary path unchanged', () => {
    for (const character of ['*', '?', '[', ']', '{', '}', '\\']) {
      expect(() => literalFilePath(`/data/lake${character}x`, 'the lake path', 'rename it')).to.throw(PATTERN);
    }
    expect(literalFilePath('/data/lake (1)/x.csv', 'the lake path', 'rename it')).to.equal('/data/lake (1)/x.csv');
  });

  it('views: createLakeViews refuses the lake root', async () => {
    const catalog = await crawl(new FsStore(lakeA), duck);
    await duck.withConnection(async (connection) => {
      await createLakeViews(connection, catalog, lakeA); // the ordinary path works
      const failure = await failureOf(createLakeViews(connection, catalog, patterned));
      expect(failure?.message).to.match(PATTERN).and.include(patterned);
    });
  });

  it('crawler: crawl (parquet footers) and openLakeEngine refuse it instead of cataloguing lakeA', async () => {
    const store = new FsStore(patterned);
    for (const attempt of [() => crawl(store, duck), () => openLakeEngine(store, { duck })]) {
      const failure = await failureOf(attempt());
      expect(failure?.message).to.match(PATTERN);
    }
    expect(existsSync(path.join(patterned, 'catalog.json'))).to.equal(false);
  });

  it('transform: refuses the lake, and a scratch folder with pattern characters, before writing anything', async () => {
    const store = new FsStore(patterned);
    const rawKey = (await store.list('raw/')).map((object) => object.key)[0];
    const before = snapshot(patterned);
    const lakeFailure = await failureOf(transformRawObjects([rawKey], { store, duck }));
    expect(lakeFailure?.message).to.match(PATTERN).and.include('the lake path');
    const scratch = path.join(dir, 'tmp[1]');
    mkdirSync(scratch, { recursive: true });
    const scratchFailure = await failureOf(transformRawObjects([rawKey], { store: new FsStore(lakeA), duck, workDir: scratch }));
    expect(scratchFailure?.message).to.match(PATTERN).and.include('TMPDIR');
    expect(snapshot(patterned)).to.deep.equal(before);
  });

  it('export: COPY to an --out path with a pattern character is refused', async () => {
    const engine: DuckDbEngine = await openLakeEngine(new FsStore(lakeA));
    try {
      const failure = await failureOf(exportSelect(engine, 'SELECT 1 AS one', 'csv', path.join(dir, 'out*.csv')));
      expect(failure?.message).to.match(PATTERN).and.include('--out');
      expect((await exportSelect(engine, 'SELECT 1 AS one', 'csv', path.join(dir, 'out.csv'))).rows).to.equal(1);
    } finally {
      await engine.close();
    }
  });

  it('CLI: query, crawl, forecast and import with --lake "lake?" exit 2 with the message and create nothing', () => {
    const before = snapshot(dir);
    for (const args of [['query', 'SELECT count(*) FROM chart_entries'], ['crawl'], ['forecast'], ['import', path.join(US_2023, WEEK_FILE)]]) {
      const result = spawnSync(process.execPath, [BIN, ...args, '--lake', patterned], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      expect(result.status, `${args[0]}: ${result.stderr}`).to.equal(2);
      expect(result.stderr).to.match(PATTERN).and.include('--lake');
      expect(result.stdout).to.not.include('200'); // lakeA's row count never shows
    }
    expect(snapshot(dir)).to.deep.equal(before);
  });
});

/** The error a promise rejects with, or undefined when it resolves. */
async function failureOf(promise: Promise<unknown>): Promise<Error | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error as Error;
  }
}
