import { expect } from 'chai';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { historyCommands } from '../../src/cli/history-commands';
import { buildDemoCatalog, GLOBAL_WEEKLY_ALIAS } from '../../src/demo/catalog';
import { demoSourceOptions, startSpotifyServer, type SpotifyServer, DEMO_CHARTS_TOKEN, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from '../../src/demo/spotify-server';
import { silentLogger } from '../../src/log';
import { LocalPipeline } from '../../src/pipeline';
import { addDays } from '../../src/quality';
import { chartHoldings } from '../../src/query';
import { backfill, catchUp, pipelineWorker, type WeekWorker } from '../../src/schedule';
import { chartHistoryStarts, listCharts } from '../../src/sources';
import { FsStore } from '../../src/store';
import { commitFakeWeeks } from '../support/lineage';
import { removeDir, tempDir } from '../support/lake';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const chart = GLOBAL_WEEKLY_ALIAS;

/** The weeks the charts service was asked for (authorized route), in order. */
const askedWeeks = (server: SpotifyServer) => server.requests.filter((r) => r.route === 'charts-auth').map((r) => decodeURIComponent(r.path.split('/').pop() ?? ''));

describe('chartlake backfill: every missing week of a range from the charts service, oldest first', function () {
  const catalog = buildDemoCatalog({ weeks: 8 });
  const weeks = catalog.weeks; // 2026-10-01 .. 2026-11-19
  let server: SpotifyServer;
  let dir: string;
  let pipeline: LocalPipeline;

  before(async () => {
    server = await startSpotifyServer({ catalog, mode: 'development' });
    dir = tempDir('backfill');
    pipeline = await LocalPipeline.open(new FsStore(dir), silentLogger);
    // Two weeks are already in the lake.
    for (const week of [weeks[2], weeks[5]]) await pipeline.extractWeek({ chart, week }, demoSourceOptions(server.url));
  });
  after(async () => {
    await pipeline?.close();
    await server?.close();
    removeDir(dir);
  });

  it('the charts service says which charts it offers and when each one\'s history began', async () => {
    const offered = await listCharts({ options: demoSourceOptions(server.url) });
    expect(offered).to.deep.equal([{ alias: chart, region: 'global', earliestDate: weeks[0], latestDate: weeks[weeks.length - 1] }]);
    const starts = await chartHistoryStarts(demoSourceOptions(server.url), [chart, 'regional-xx-weekly']);
    expect(Object.fromEntries(starts)).to.deep.equal({ [chart]: weeks[0], 'regional-xx-weekly': '2016-12-29' });
  });

  it('fetches each missing week once, in order; existing weeks not at all; weeks before the history began are skipped', async () => {
    server.clearLog();
    const from = addDays(weeks[0], -21); // three chart weeks before the chart existed
    const starts = await chartHistoryStarts(demoSourceOptions(server.url), [chart]);
    const settled: string[] = [];
    const result = await backfill({
      store: pipeline.store,
      worker: pipelineWorker(pipeline, demoSourceOptions(server.url)),
      charts: [chart],
      from,
      to: weeks[weeks.length - 1],
      historyStart: (name) => starts.get(name) ?? '2016-12-29',
      onWeek: (week, total) => settled.push(`${week.week} ${week.status} ${total}`),
    });
    const missing = weeks.filter((_, i) => i !== 2 && i !== 5);
    expect(askedWeeks(server)).to.deep.equal(missing);
    expect(result).to.include({ fetched: 6, alreadyThere: 2, beforeHistory: 3, failed: 0, stopped: false });
    expect(settled).to.deep.equal([
      ...[21, 14, 7].map((days) => `${addDays(weeks[0], -days)} before_history 11`),
      ...weeks.map((week, i) => `${week} ${i === 2 || i === 5 ? 'already_there' : 'filled'} 11`),
    ]);
    const engine = await pipeline.engine();
    try {
      await pipeline.crawl();
      const [held] = await chartHoldings(engine);
      expect(held).to.deep.include({ chart, weeks: 8, first_week: weeks[0], last_week: weeks[7], missing: 0, min_depth: 200, max_depth: 200 });
      const perWeek = await engine.query(`SELECT CAST(week AS VARCHAR) AS week, count(*) AS n FROM chart_entries GROUP BY week ORDER BY week`);
      expect(perWeek.rows).to.deep.equal(weeks.map((week) => ({ week, n: 200 })));
    } finally {
      await engine.close();
    }
  });

  it('chartlake charts: the service\'s charts beside what the lake holds (weeks, span, gaps, depth; enrichment once lineage says)', async () => {
    const saved = { base: process.env.CHARTLAKE_SPOTIFY_BASE_URL, out: process.stdout.write };
    let printed = '';
    process.env.CHARTLAKE_SPOTIFY_BASE_URL = server.url;
    process.stdout.write = ((chunk: string) => {
      printed += chunk;
      return true;
    }) as typeof process.stdout.write;
    try {
      expect(await historyCommands.charts.run({ lake: dir, format: 'json' }, [])).to.equal(0);
    } finally {
      process.stdout.write = saved.out;
      if (saved.base === undefined) delete process.env.CHARTLAKE_SPOTIFY_BASE_URL;
      else process.env.CHARTLAKE_SPOTIFY_BASE_URL = saved.base;
    }
    // The lineage records enrichment: every week of this lake was enriched through the Web API.
    expect(JSON.parse(printed)).to.deep.equal([
      { chart, region: 'global', source_first_week: weeks[0], source_latest_week: weeks[7], lake_weeks: 8, lake_first_week: weeks[0], lake_last_week: weeks[7], missing_inside: 0, depth: '200', enriched_weeks: 8 },
    ]);
    const engine = await pipeline.engine();
    try {
      expect((await chartHoldings(engine))[0]).to.include({ weeks: 8, enriched_weeks: 8, min_depth: 200 });
    } finally {
      await engine.close();
    }
  });

  it('stops at the first week whose charts token is refused: every later week would fail the same way', async () => {
    server.clearLog();
    const later = addDays(weeks[7], -7 * 20); // 20 weeks before the lake's first: all missing, all within history
    const result = await backfill({
      store: pipeline.store,
      worker: pipelineWorker(pipeline, demoSourceOptions(server.url, { chartsToken: 'an-expired-token' })),
      charts: [chart],
      from: addDays(weeks[0], -14),
      to: weeks[7],
      historyStart: () => later,
    });
    expect(askedWeeks(server)).to.deep.equal([addDays(weeks[0], -14)]);
    expect(result).to.include({ fetched: 0, failed: 1, stopped: true, planned: 10 });
    expect(result.weeks).to.have.length(1);
    expect(result.stoppedBy).to.match(/refused the token \(401\)/);
  });

  it('the command: a second backfill of the same range asks the service for no week, and says so in its summary', async function () {
    server.clearLog();
    const { stdout } = await run(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', 'src/cli/main.ts', 'backfill', '--lake', dir, '--from', addDays(weeks[0], -21), '--to', weeks[7]], {
      cwd: ROOT,
      env: { ...process.env, CHARTLAKE_SPOTIFY_BASE_URL: server.url, CHARTLAKE_CHARTS_TOKEN: DEMO_CHARTS_TOKEN, SPOTIFY_CLIENT_ID: DEMO_CLIENT_ID, SPOTIFY_CLIENT_SECRET: DEMO_CLIENT_SECRET },
    });
    expect(stdout).to.include(`0 fetched, 8 already there, 3 skipped before the chart's history began (${chart} ${weeks[0]}), 0 failed`);
    expect(askedWeeks(server)).to.deep.equal([]);
    expect(server.count('charts-public')).to.equal(1); // the chart list, for the history's start
  });

  it('the command refuses to start without a charts token, saying how to get one', async () => {
    const failure = await run(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', 'src/cli/main.ts', 'backfill', '--lake', dir, '--from', weeks[0], '--to', weeks[7]], {
      cwd: ROOT,
      env: { ...process.env, CHARTLAKE_SPOTIFY_BASE_URL: server.url, CHARTLAKE_CHARTS_TOKEN: '' },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).to.equal(1);
    expect(failure?.stderr).to.match(/needs a Spotify Charts token.*Log in to charts\.spotify\.com/);
  });
});

describe('run --catch-up fills every missing week between the lake\'s first and latest week, interior gaps included', () => {
  let dir: string;
  afterEach(() => removeDir(dir));

  it('a lake with weeks 1, 2 and 5 of a span gets weeks 3 and 4, then the weeks after 5 up to the latest published', async () => {
    dir = tempDir('catchup-gaps');
    const store = new FsStore(dir);
    await commitFakeWeeks(store, chart, ['2024-04-11', '2024-04-18', '2024-05-09']);
    const done: string[] = [];
    const worker: WeekWorker = {
      async extract(week) {
        done.push(week.week);
        return { rawKey: 'raw/x', rows: 200 };
      },
      async transform() {
        throw new Error('not called');
      },
    };
    // Saturday 2024-05-25: the chart of Thursday 05-23 is out.
    const result = await catchUp({ store, worker, charts: [chart], now: () => new Date('2024-05-25T08:00:00Z') });
    expect(done).to.deep.equal(['2024-04-25', '2024-05-02', '2024-05-16', '2024-05-23']);
    expect(result.runs.map((r) => r.outcome)).to.deep.equal(['transformed', 'transformed', 'transformed', 'transformed']);
  });
});
