import { expect } from 'chai';
import { addDays, buildDemoCatalog, GLOBAL_WEEKLY_ALIAS } from '../../src/demo/catalog';
import { demoSourceOptions, startSpotifyServer, type SpotifyServer } from '../../src/demo/spotify-server';
import { memoryLogger, silentLogger } from '../../src/log';
import { LocalPipeline } from '../../src/pipeline';
import { catchUp, parseCron, pipelineWorker, runScheduler } from '../../src/schedule';
import { FsStore } from '../../src/store';
import { removeDir, tempDir } from '../support/lake';

const chart = GLOBAL_WEEKLY_ALIAS;
const entriesOf = (catalog: ReturnType<typeof buildDemoCatalog>, date: string) => catalog.charts.get(chart)?.find((week) => week.date === date)?.entries;

describe('the demo catalog goes on past its last week, without changing the weeks it had', () => {
  it('extending changes no published week, and a new week is the same however far the catalog was extended', () => {
    const fixed = buildDemoCatalog({ weeks: 6 });
    const last = fixed.weeks[fixed.weeks.length - 1];
    const near = buildDemoCatalog({ weeks: 6 });
    const far = buildDemoCatalog({ weeks: 6 });
    near.extendTo(addDays(last, 7));
    far.extendTo(addDays(last, 28));
    expect(near.weeks).to.deep.equal([...fixed.weeks, addDays(last, 7)]);
    expect(far.weeks.slice(-4)).to.deep.equal([7, 14, 21, 28].map((days) => addDays(last, days)));
    for (const week of fixed.weeks) expect(entriesOf(far, week)).to.deep.equal(entriesOf(fixed, week));
    expect(entriesOf(far, addDays(last, 7))).to.deep.equal(entriesOf(near, addDays(last, 7)));
    // The new weeks continue the chart: ranks 1..200, every track known, previous ranks from the week before.
    const next = entriesOf(far, addDays(last, 7)) ?? [];
    expect(next.map((entry) => entry.rank)).to.deep.equal(Array.from({ length: 200 }, (_, i) => i + 1));
    for (const entry of next) expect(far.tracks.has(entry.trackId)).to.equal(true);
    const before = new Map((entriesOf(far, last) ?? []).map((entry) => [entry.trackId, entry.rank]));
    for (const entry of next) expect(entry.previousRank).to.equal(before.get(entry.trackId) ?? -1);
    expect(next.some((entry) => entry.entryStatus === 'NEW_ENTRY')).to.equal(true);
  });
});

describe('the offline demo on a clock past the server\'s old last week: run, run --catch-up and the schedule work', function () {
  // A catalog that ended in the past, and a clock (before today: the transform refuses weeks in the future) on the
  // Saturday three chart weeks after its last week.
  const catalog = buildDemoCatalog({ weeks: 6, endWeek: '2025-01-02' });
  const oldLast = catalog.weeks[catalog.weeks.length - 1];
  const now = new Date(`${addDays(oldLast, 23)}T09:00:00Z`);
  let clock = now;
  let server: SpotifyServer;
  let dir: string;
  let pipeline: LocalPipeline;

  before(async () => {
    server = await startSpotifyServer({ catalog, mode: 'development', clock: () => clock });
    dir = tempDir('demo-clock');
    pipeline = await LocalPipeline.open(new FsStore(dir), silentLogger);
  });
  after(async () => {
    await pipeline?.close();
    await server?.close();
    removeDir(dir);
  });

  it('the latest week is the one published at the clock', () => {
    expect(server.latestWeek).to.equal(addDays(oldLast, 21));
  });

  it('run (the latest week) extracts and transforms the clock\'s week instead of a 404', async () => {
    const { extract, weeks } = await pipeline.extractWeek({ chart }, demoSourceOptions(server.url));
    expect(extract.week).to.equal(addDays(oldLast, 21));
    expect(weeks.map((week) => week.rows.chart_entries)).to.deep.equal([200]);
  });

  it('run --catch-up from the old last week fills every week up to the clock\'s, in order', async () => {
    server.clearLog();
    const result = await catchUp({ store: pipeline.store, worker: pipelineWorker(pipeline, demoSourceOptions(server.url)), charts: [chart], from: oldLast, now: () => now });
    expect(result.runs.map((run) => `${run.week} ${run.outcome} ${run.rows}`)).to.deep.equal([0, 7, 14].map((days) => `${addDays(oldLast, days)} transformed 200`));
    expect(server.count('charts-auth', 404)).to.equal(0);
  });

  it('the schedule, a week later, fetches the new week on start and says when it runs next', async () => {
    clock = new Date(`${addDays(oldLast, 30)}T09:00:00Z`);
    const log = memoryLogger();
    const stop = new AbortController();
    await runScheduler({
      store: pipeline.store,
      worker: pipelineWorker(pipeline, demoSourceOptions(server.url)),
      schedule: parseCron('cron(0 12 ? * FRI *)'),
      charts: [chart],
      log,
      signal: stop.signal,
      now: () => clock,
      sleepUntil: async () => stop.abort(),
    });
    const lines = log.lines.map((line) => JSON.parse(line) as { message: string; week?: string; outcome?: string; at?: string });
    expect(lines.filter((line) => line.message === 'week run').map((line) => `${line.week} ${line.outcome}`)).to.deep.equal([`${addDays(oldLast, 28)} transformed`]);
    expect(lines.find((line) => line.message === 'next run')?.at).to.equal(`${addDays(oldLast, 36)}T12:00:00.000Z`);
  });

  it('a server without a clock keeps its fixed latest week (npm start stays deterministic)', async () => {
    const fixed = await startSpotifyServer({ catalog: buildDemoCatalog({ weeks: 6, endWeek: '2025-01-02' }) });
    try {
      expect(fixed.latestWeek).to.equal('2025-01-02');
    } finally {
      await fixed.close();
    }
  });
});
