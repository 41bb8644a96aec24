import { expect } from 'chai';
import { skipBecause } from '../support/skip';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { historyCommands } from '../../src/cli/history-commands';
import { buildDemoCatalog, GLOBAL_WEEKLY_ALIAS } from '../../src/demo/catalog';
import { demoSourceOptions, startSpotifyServer } from '../../src/demo/spotify-server';
import { silentLogger } from '../../src/log';
import { LocalPipeline } from '../../src/pipeline';
import { exportSelect, runSavedAnalysis, savedAnalysis, savedSelect, sqlString, tableSelect, type DuckDbEngine } from '../../src/query';
import { FsStore } from '../../src/store';
import { removeDir, tempDir } from '../support/lake';

const chart = GLOBAL_WEEKLY_ALIAS;
const README = path.resolve(__dirname, '..', '..', 'README.md');

/** Runs a command's `run` in-process, with its stdout captured. */
async function runCommand(name: string, values: Record<string, string>, positionals: string[] = []): Promise<{ code: number; out: string }> {
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    return { code: await historyCommands[name].run(values, positionals), out };
  } finally {
    process.stdout.write = write;
  }
}

describe('chartlake export: tables and saved analyses to Parquet, CSV and JSON, and the lake from Python and R', function () {
  const catalog = buildDemoCatalog({ weeks: 3 });
  const weeks = catalog.weeks;
  let dir: string;
  let out: string;
  let pipeline: LocalPipeline;
  let engine: DuckDbEngine;
  const scalar = async (sql: string) => Object.values((await engine.query(sql)).rows[0])[0];
  /** Rows of `a` not in `b` plus rows of `b` not in `a` (as multisets). */
  const difference = async (a: string, b: string) => Number(await scalar(`SELECT (SELECT count(*) FROM (${a} EXCEPT ALL ${b})) + (SELECT count(*) FROM (${b} EXCEPT ALL ${a}))`));

  before(async () => {
    const server = await startSpotifyServer({ catalog, mode: 'development' });
    dir = tempDir('export');
    out = tempDir('export-out');
    pipeline = await LocalPipeline.open(new FsStore(dir), silentLogger);
    try {
      for (const week of weeks) await pipeline.extractWeek({ chart, week }, demoSourceOptions(server.url));
    } finally {
      await server.close();
    }
    await pipeline.crawl();
    engine = await pipeline.engine();
  });
  after(async () => {
    await engine?.close();
    await pipeline?.close();
    removeDir(dir);
    removeDir(out);
  });

  const view = `SELECT * FROM chart_entries WHERE chart = '${chart}' AND week >= DATE '${weeks[1]}'`;

  it('a table with the filters of query, as Parquet: the same rows, values and types as the view', async () => {
    const { code, out: said } = await runCommand('export', { lake: dir, format: 'parquet', out: path.join(out, 'entries.parquet'), chart, from: weeks[1] }, ['chart_entries']);
    expect(code).to.equal(0);
    expect(said).to.match(/wrote 400 rows of chart_entries to .*entries\.parquet \(parquet\)/);
    const file = sqlString(path.join(out, 'entries.parquet'));
    expect(await scalar(`SELECT count(*) FROM read_parquet(${file})`)).to.equal(400);
    expect(await difference(`SELECT * FROM read_parquet(${file})`, view)).to.equal(0);
    const types = async (sql: string) => (await engine.query(`DESCRIBE ${sql}`)).rows.map((row) => `${row.column_name} ${row.column_type}`);
    expect(await types(`SELECT * FROM read_parquet(${file})`)).to.deep.equal(await types(view));
  });

  it('as CSV and as JSON (one object a line): the same rows and values', async () => {
    for (const format of ['csv', 'json'] as const) {
      const file = path.join(out, `entries.${format}`);
      await exportSelect(engine, await tableSelect(engine, 'chart_entries', { chart, from: weeks[1] }), format, file);
      const read = format === 'csv' ? `read_csv(${sqlString(file)}, header = true)` : `read_json(${sqlString(file)}, format = 'newline_delimited')`;
      const columns = 'CAST(week AS DATE) AS week, rank, track_id, track_name, artist_names, CAST(streams AS BIGINT) AS streams, previous_rank, weeks_on_chart';
      expect(await scalar(`SELECT count(*) FROM ${read}`), format).to.equal(400);
      expect(await difference(`SELECT ${columns} FROM ${read}`, `SELECT ${columns} FROM (${view})`), format).to.equal(0);
    }
    const lines = readFileSync(path.join(out, 'entries.json'), 'utf8').trim().split('\n');
    expect(lines).to.have.length(400);
    expect(JSON.parse(lines[0])).to.include.keys('chart', 'week', 'rank', 'track_id', 'streams');
  });

  it('a saved analysis with the same range: the rows the analysis answers', async () => {
    const analysis = savedAnalysis('top-artists');
    const range = { chart, from_week: weeks[0], to_week: weeks[2] };
    const file = path.join(out, 'top-artists.json');
    const { code } = await runCommand('export', { lake: dir, saved: 'top-artists', format: 'json', out: file, chart, from: weeks[0], to: weeks[2] });
    expect(code).to.equal(0);
    const exported = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const expected = (await runSavedAnalysis(engine, analysis, range)).rows;
    expect(exported).to.have.length(expected.length).and.to.be.greaterThan(0);
    expect(exported).to.deep.equal(expected);
    expect(savedSelect(analysis, range)).to.not.include('?');
  });

  it('says what is wrong in the user\'s terms: an unknown table, filters on a table without weeks, a bad format', async () => {
    const failure = async (promise: Promise<unknown>) => promise.then(() => 'no error', (error: Error) => error.message);
    expect(await failure(runCommand('export', { lake: dir, format: 'csv', out: path.join(out, 'x.csv') }, ['chart_entrys']))).to.match(/the lake has no table "chart_entrys"; tables: .*chart_entries/);
    expect(await failure(runCommand('export', { lake: dir, format: 'csv', out }, ['tracks']))).to.equal(`--out ${out} is a folder; name the file to write (e.g. ${path.join(out, 'export.csv')})`);
    // A lake-wide table (one row per song, say) has no chart or week to filter on.
    await engine.query('CREATE OR REPLACE TEMP VIEW lake_wide AS SELECT 1 AS song_id');
    expect(await failure(tableSelect(engine, 'lake_wide', { chart }))).to.equal('lake_wide has no chart and week columns: --chart, --from and --to do not apply to it');
    expect(await tableSelect(engine, 'lake_wide', {})).to.equal('SELECT * FROM "lake_wide"');
    expect(await failure(runCommand('export', { lake: dir, format: 'xlsx', out: path.join(out, 'x.csv') }, ['tracks']))).to.equal('export needs --format parquet|csv|json, not xlsx');
    expect(await failure(runCommand('export', { lake: dir, format: 'csv', out: path.join(out, 'x.csv'), from: '2024-13-45' }, ['tracks']))).to.equal('--from "2024-13-45" is not a date YYYY-MM-DD');
  });

  describe("the README's examples that read the lake from Python and R", () => {
    const examples = (language: string) => {
      const section = /## Data out[\s\S]*?(?=\n## )/.exec(readFileSync(README, 'utf8'))?.[0] ?? '';
      return [...section.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1]);
    };
    /** A folder whose `lake` is the test lake, as the examples say `lake/...`. */
    const workdir = () => {
      const cwd = path.join(out, `readme-${Math.random().toString(36).slice(2)}`);
      mkdirSync(cwd);
      symlinkSync(dir, path.join(cwd, 'lake'));
      return cwd;
    };
    const expectedCount = async () => Number(await scalar(`SELECT count(*) FROM chart_entries WHERE chart = '${chart}'`));
    const has = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;

    it('the README has one Python example per library and one R example', () => {
      expect(examples('python')).to.have.length(2);
      expect(examples('r')).to.have.length(1);
    });

    for (const [index, modules] of [['duckdb'], ['pyarrow', 'pandas']].entries()) {
      it(`Python with ${modules.join(' and ')}: counts the lake's chart rows as the view does`, async function () {
        if (!has('python3', ['--version'])) {
          return skipBecause(this, 'python3 is not installed');
        }
        if (!has('python3', ['-c', `import ${modules.join(', ')}`])) {
          return skipBecause(this, `python3 has no ${modules.join(' / ')} module; pip install ${modules.join(' ')} to run this example`);
        }
        const printed = execFileSync('python3', ['-c', examples('python')[index]], { cwd: workdir(), encoding: 'utf8' });
        expect(printed).to.match(new RegExp(`'${chart}'[^0-9]*${await expectedCount()}\\b`));
      });
    }

    it('R with duckdb: counts the lake\'s chart rows as the view does', async function () {
      if (!has('Rscript', ['--version'])) {
        return skipBecause(this, 'R (Rscript) is not installed');
      }
      if (!has('Rscript', ['-e', 'library(duckdb)'])) {
        return skipBecause(this, 'R has no duckdb package; install.packages("duckdb") to run this example');
      }
      const printed = execFileSync('Rscript', ['-e', examples('r')[0]], { cwd: workdir(), encoding: 'utf8' });
      expect(printed).to.match(new RegExp(`${chart}\\s+${await expectedCount()}\\b`));
    });
  });
});
