import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { silentLogger } from '../../src/log';
import { openLakeEngine } from '../../src/catalog';
import { LocalPipeline } from '../../src/pipeline';
import { renderSql } from '../../src/query/sql';
import { catchUp, pipelineWorker } from '../../src/schedule';
import { DEFAULT_SPOTIFY_SOURCE_OPTIONS, type SpotifySourceOptions } from '../../src/sources';
import { FsStore } from '../../src/store';
import { buildDemoCatalog, GLOBAL_WEEKLY_ALIAS } from '../../src/demo/catalog';
import { DEMO_CHARTS_TOKEN, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startSpotifyServer, type SpotifyServer } from '../../src/demo/spotify-server';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';
import { viewRows } from '../support/rows';
import { CrashingStore } from './crashing-store';
import { lakeDigest, parquetFiles, tempFiles, type LakeDigest } from './lake-digest';

const REPO = path.resolve(__dirname, '..', '..');
const WORKER = path.join(__dirname, 'worker.ts');

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the worker as a child process; `killAfterMs` sends SIGKILL from outside after a delay. Its TMPDIR is a
 * folder beside its lake (removed with the lake): a killed worker cannot remove its scratch folders itself.
 */
function runWorker(env: Record<string, string>, killAfterMs?: number): Promise<Outcome> {
  const tmp = `${env.CRASH_LAKE}-tmp`;
  mkdirSync(tmp, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', WORKER], {
      cwd: REPO,
      env: { ...process.env, ...env, TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs `tasks` with at most `limit` at once (the machine has two cores). */
async function inParallel<T>(tasks: (() => Promise<T>)[], limit = 2): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await tasks[index]();
      }
    }),
  );
  return results;
}

/** A seeded generator, so the random kill delays are the same on every run of the suite. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface KillPoint {
  label: string;
  env: Record<string, string>;
  killAfterMs?: number;
}

/** Kill points spread over a clean run's `writes` store writes: after a write, and in the middle of one. */
function killPoints(writes: number, count: number): KillPoint[] {
  const points: KillPoint[] = [];
  for (let i = 0; i < count; i++) {
    const at = Math.max(1, Math.round(((i + 0.5) * writes) / count));
    const how = i % 2 === 0 ? 'after' : 'torn';
    points.push({ label: `${how} write ${at}/${writes}`, env: { CRASH_AT: String(at), CRASH_HOW: how } });
  }
  return points;
}

/** Invariants of a lake right after a crash, before any rerun: what a reader can see is never partial. */
async function expectReadableAfterCrash(pipeline: LocalPipeline, lake: string, label: string): Promise<void> {
  // The store never lists a temporary file, and no `*.parquet` glob matches one.
  const keys = (await new FsStore(lake).list('')).map((object) => object.key);
  expect(keys.filter((key) => key.includes('.tmp-')), label).to.deep.equal([]);
  for (const file of tempFiles(lake)) expect(file.endsWith('.parquet'), label).to.equal(false);
  // Every Parquet file a reader can find is whole: its footer reads and its rows scan.
  await pipeline.duck.withConnection(async (connection) => {
    for (const file of parquetFiles(path.join(lake, 'transformed'))) {
      const [{ n }] = await connection.all<{ n: number }>(renderSql('SELECT count(*) AS n FROM read_parquet({{file}})', { file }));
      expect(Number.isInteger(Number(n)), `${label}: ${file}`).to.equal(true);
    }
  });
}

async function expectNoDuplicates(pipeline: LocalPipeline, lake: string, label: string): Promise<void> {
  const glob = path.join(lake, 'transformed', 'chart_entries', '*', '*', '*.parquet');
  await pipeline.duck.withConnection(async (connection) => {
    const rows = await connection.all<{ n: number; ranks: number; tracks: number }>(
      renderSql(
        `SELECT count(*) AS n, count(DISTINCT rank) AS ranks, count(DISTINCT track_id) AS tracks
         FROM read_parquet({{glob}}, hive_partitioning = true) GROUP BY chart, week`,
        { glob },
      ),
    );
    for (const row of rows) expect([row.ranks, row.tracks], label).to.deep.equal([row.n, row.n]);
  });
}

describe('crash safety: SIGKILL at many points, rerun, the lake equals a clean run', function () {
  this.timeout(240_000);
  let pipeline: LocalPipeline;
  const lakes: string[] = [];
  const newLake = (label: string) => {
    const dir = tempDir(label);
    lakes.push(dir);
    return dir;
  };

  before(async () => {
    pipeline = await LocalPipeline.open(new FsStore(newLake('crash-scratch')), silentLogger);
  });
  after(async () => {
    await pipeline?.close();
    for (const dir of lakes) {
      removeDir(dir);
      removeDir(`${dir}-tmp`);
    }
  });

  describe('importing real US weekly CSVs (batch transform)', function () {
    const files = ['2023-03-02', '2023-03-09', '2023-03-16', '2023-03-23'].map((week) => path.join(US_2023, `regional-us-weekly-${week}.csv`));
    let clean: LakeDigest;
    let writes: number;

    before(async function () {
      requireShared(this);
      const lake = newLake('crash-clean');
      const store = new CrashingStore(lake, undefined, 'after');
      const cleanPipeline = await LocalPipeline.open(store, silentLogger);
      try {
        const result = await cleanPipeline.importFiles(files);
        expect(result.failures).to.deep.equal([]);
        writes = store.writes;
        clean = await lakeDigest(cleanPipeline.duck, lake);
      } finally {
        await cleanPipeline.close();
      }
    });

    it('recovers from 10 instrumented kills and 2 kills at random moments, with no partial, missing or duplicate rows', async () => {
      // CSV weeks have chart_entries, tracks and track_artists rows (no album or artist ids in a CSV), and lineage.
      expect(Object.keys(clean)).to.have.length(4 * 3 + 4 * 5);
      expect(clean['chart_entries regional-us-weekly 2023-03-02'].rows).to.equal(200);
      const random = seeded(20230302);
      const points: KillPoint[] = [
        ...killPoints(writes, 10),
        ...Array.from({ length: 2 }, (_, i) => {
          const ms = Math.round(900 + random() * 2500);
          return { label: `random kill ${i + 1} after ${ms} ms`, env: {}, killAfterMs: ms };
        }),
      ];
      const crashed = await inParallel(
        points.map((point) => async () => {
          const lake = newLake('crash');
          const outcome = await runWorker({ ...point.env, CRASH_LAKE: lake, CRASH_MODE: 'import', CRASH_FILES: files.join('|') }, point.killAfterMs);
          return { point, lake, outcome };
        }),
      );
      let killed = 0;
      for (const { point, lake, outcome } of crashed) {
        if (point.env.CRASH_AT) expect(outcome.signal, `${point.label}: ${outcome.stderr}`).to.equal('SIGKILL');
        else expect(outcome.signal === 'SIGKILL' || outcome.code === 0, `${point.label}: ${outcome.stderr}`).to.equal(true);
        if (outcome.signal === 'SIGKILL') killed += 1;
        await expectReadableAfterCrash(pipeline, lake, point.label);

        // Rerun to completion (the same import again), then compare with the clean run.
        const rerun = await LocalPipeline.open(new FsStore(lake), silentLogger);
        try {
          const result = await rerun.importFiles(files);
          expect(result.failures.map((failure) => failure.error.message), point.label).to.deep.equal([]);
        } finally {
          await rerun.close();
        }
        expect(await lakeDigest(pipeline.duck, lake), point.label).to.deep.equal(clean);
        await expectNoDuplicates(pipeline, lake, point.label);
      }
      expect(killed).to.be.at.least(10);
    });

    it('kills during a catalog write (crawl): the next crawl always gives a lake that queries exactly like a clean one', async () => {
      const lake = newLake('crash-catalog-source');
      const seeded = await LocalPipeline.open(new FsStore(lake), silentLogger);
      try {
        expect((await seeded.importFiles(files)).failures).to.deep.equal([]);
      } finally {
        await seeded.close();
      }
      const expected = await viewRows(new FsStore(lake), pipeline.duck);
      expect(expected.chart_entries).to.have.length(800);
      // A damaged or stale catalog to start from: the crawl rewrites it, and is killed while doing so.
      const startFrom = (dir: string) => {
        cpSync(lake, dir, { recursive: true });
        writeFileSync(path.join(dir, 'catalog.json'), '{"format": 3, "tables": {"chart_entries": {"partitions": [');
      };
      const countLake = newLake('crash-catalog-count');
      startFrom(countLake);
      const counted = await runWorker({ CRASH_LAKE: countLake, CRASH_MODE: 'crawl' });
      expect(counted.code, counted.stderr).to.equal(0);
      const { writes: crawlWrites } = JSON.parse(counted.stdout) as { writes: number };
      const points = [1, crawlWrites].flatMap((at) => (['after', 'torn'] as const).map((how) => ({ label: `${how} write ${at}/${crawlWrites} of a crawl`, env: { CRASH_AT: String(at), CRASH_HOW: how } })));
      for (const point of points) {
        const dir = newLake('crash-catalog');
        startFrom(dir);
        const outcome = await runWorker({ ...point.env, CRASH_LAKE: dir, CRASH_MODE: 'crawl' });
        expect(outcome.signal, `${point.label}: ${outcome.stderr}`).to.equal('SIGKILL');
        const repaired = await runWorker({ CRASH_LAKE: dir, CRASH_MODE: 'crawl' }); // the documented repair, in its own process
        expect(repaired.code, `${point.label}: ${repaired.stderr}`).to.equal(0);
        expect(await viewRows(new FsStore(dir), pipeline.duck), point.label).to.deep.equal(expected);
      }
    });

    it('kills during a forecast (its table file, the catalog): a rerun gives the forecasts of a clean run, the rest untouched', async () => {
      const lake = newLake('crash-forecast-source');
      const seeded = await LocalPipeline.open(new FsStore(lake), silentLogger);
      try {
        // A forecast needs history: ten weeks (the model trains on weeks with four weeks behind them).
        const tenWeeks = readdirSync(US_2023).filter((name) => name.endsWith('.csv')).sort().slice(0, 10).map((name) => path.join(US_2023, name));
        expect((await seeded.importFiles(tenWeeks)).failures).to.deep.equal([]);
      } finally {
        await seeded.close();
      }
      const forecastEnv = { CRASH_MODE: 'forecast', CRASH_CHART: 'regional-us-weekly', CRASH_WEEK: '2023-03-09' };
      const cleanLake = newLake('crash-forecast-clean');
      cpSync(lake, cleanLake, { recursive: true });
      const counted = await runWorker({ ...forecastEnv, CRASH_LAKE: cleanLake });
      expect(counted.code, counted.stderr).to.equal(0);
      const { writes } = JSON.parse(counted.stdout) as { writes: number; rows: number };
      const forecastRows = async (dir: string) => {
        const engine = await openLakeEngine(new FsStore(dir), { duck: pipeline.duck, recrawl: true });
        try {
          return (await engine.query('SELECT * EXCLUDE (trained_from, trained_through) FROM forecasts ORDER BY ALL')).rows;
        } finally {
          await engine.close();
        }
      };
      const expected = { rows: await viewRows(new FsStore(cleanLake), pipeline.duck), forecasts: await forecastRows(cleanLake) };
      expect(expected.forecasts.length).to.be.greaterThan(0);
      for (let at = 1; at <= writes; at += 1) {
        for (const how of ['after', 'torn'] as const) {
          const dir = newLake('crash-forecast');
          cpSync(lake, dir, { recursive: true });
          const label = `${how} write ${at}/${writes} of a forecast`;
          const outcome = await runWorker({ ...forecastEnv, CRASH_LAKE: dir, CRASH_AT: String(at), CRASH_HOW: how });
          expect(outcome.signal, `${label}: ${outcome.stderr}`).to.equal('SIGKILL');
          // What a user does after a kill: the documented repair, then the command again.
          expect((await runWorker({ CRASH_LAKE: dir, CRASH_MODE: 'crawl' })).code, label).to.equal(0);
          const again = await runWorker({ ...forecastEnv, CRASH_LAKE: dir });
          expect(again.code, `${label}: ${again.stderr}`).to.equal(0);
          expect({ rows: await viewRows(new FsStore(dir), pipeline.duck), forecasts: await forecastRows(dir) }, label).to.deep.equal(expected);
        }
      }
    });

    it('two imports of the same weeks at once (two processes): both finish, the lake equals a clean run', async () => {
      const lake = newLake('crash-concurrent');
      const env = { CRASH_LAKE: lake, CRASH_MODE: 'import', CRASH_FILES: files.join('|') };
      const [a, b] = await Promise.all([runWorker(env), runWorker(env)]);
      expect([a.code, b.code], `${a.stderr}\n${b.stderr}`).to.deep.equal([0, 0]);
      expect(await lakeDigest(pipeline.duck, lake)).to.deep.equal(clean);
      expect(await new FsStore(lake).list('locks/')).to.deep.equal([]);
    });
  });

  describe('extracting weeks from the Spotify-compatible server (extract → raw → transform)', function () {
    let server: SpotifyServer;
    let options: SpotifySourceOptions;
    const catalog = buildDemoCatalog({ weeks: 3, chartSize: 50 });
    const weeks = catalog.weeks.map((week) => (typeof week === 'string' ? week : (week as { date: string }).date));
    let clean: LakeDigest;
    let writes: number;

    before(async () => {
      server = await startSpotifyServer({ catalog, mode: 'development' });
      options = {
        ...DEFAULT_SPOTIFY_SOURCE_OPTIONS,
        chartsBaseUrl: server.url,
        apiBaseUrl: server.url,
        accountsBaseUrl: server.url,
        chartsToken: DEMO_CHARTS_TOKEN,
        clientId: DEMO_CLIENT_ID,
        clientSecret: DEMO_CLIENT_SECRET,
      };
      const lake = newLake('crash-extract-clean');
      const store = new CrashingStore(lake, undefined, 'after');
      const cleanPipeline = await LocalPipeline.open(store, silentLogger);
      try {
        const result = await catchUp({ store, worker: pipelineWorker(cleanPipeline, options), charts: [GLOBAL_WEEKLY_ALIAS], from: weeks[0], to: weeks[weeks.length - 1] });
        expect(result.runs.map((run) => run.outcome)).to.deep.equal(['transformed', 'transformed', 'transformed']);
        writes = store.writes;
        clean = await lakeDigest(cleanPipeline.duck, lake);
      } finally {
        await cleanPipeline.close();
      }
    });
    after(async () => {
      await server?.close();
    });

    it('recovers from 4 kills during extract and transform: catch-up fills or transforms what is missing, never twice', async () => {
      const points = killPoints(writes, 4);
      const crashed = await inParallel(
        points.map((point) => async () => {
          const lake = newLake('crash-extract');
          const outcome = await runWorker({
            ...point.env,
            CRASH_LAKE: lake,
            CRASH_MODE: 'extract',
            CRASH_WEEKS: weeks.join('|'),
            CRASH_CHART: GLOBAL_WEEKLY_ALIAS,
            CRASH_SERVER_URL: server.url,
            CRASH_CHARTS_TOKEN: DEMO_CHARTS_TOKEN,
            CRASH_CLIENT_ID: DEMO_CLIENT_ID,
            CRASH_CLIENT_SECRET: DEMO_CLIENT_SECRET,
          });
          return { point, lake, outcome };
        }),
      );
      for (const { point, lake, outcome } of crashed) {
        expect(outcome.signal, `${point.label}: exit ${outcome.code} ${outcome.stdout} ${outcome.stderr}`).to.equal('SIGKILL');
        await expectReadableAfterCrash(pipeline, lake, point.label);
        const store = new FsStore(lake);
        const rerun = await LocalPipeline.open(store, silentLogger);
        try {
          const result = await catchUp({ store, worker: pipelineWorker(rerun, options), charts: [GLOBAL_WEEKLY_ALIAS], from: weeks[0], to: weeks[weeks.length - 1] });
          for (const run of result.runs) expect(run.outcome, `${point.label}: ${run.error}`).to.be.oneOf(['transformed', 'recovered']);
        } finally {
          await rerun.close();
        }
        expect(await lakeDigest(pipeline.duck, lake), point.label).to.deep.equal(clean);
        await expectNoDuplicates(pipeline, lake, point.label);
        // One raw object per week: a week whose raw object was written is not fetched again.
        const raw = (await store.list('raw/')).map((object) => object.key.split('/')[3]);
        expect(raw.sort(), point.label).to.deep.equal(weeks.map((week) => `week=${week}`));
      }
    });
  });
});
