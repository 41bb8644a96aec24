import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openLakeEngine } from '../../src/catalog';
import { memoryLogger, silentLogger } from '../../src/log';
import { LocalPipeline } from '../../src/pipeline';
import { acquireLock, acquireWeekLock, WeekLockedError, withWeekLock, type LockBody } from '../../src/store/lock';
import { findGaps, listRuns, qualityReport } from '../../src/quality';
import { catchUp, type WeekWorker } from '../../src/schedule';
import { FsStore, rawCsvKey, weekLockKey, yearLockKey, type ChartWeek } from '../../src/store';
import { transformRawObjects } from '../../src/transform';
import { commitFakeWeeks } from '../support/lineage';
import { removeDir, requireShared, snapshot, tempDir, US_2023 } from '../support/lake';

const US = 'regional-us-weekly';
const csv = (week: string) => path.join(US_2023, `regional-us-weekly-${week}.csv`);

describe('quality report, gaps, runs and the _runs view (real US weeks)', function () {
  let dir: string;
  let inputs: string;
  let pipeline: LocalPipeline;

  before(async function () {
    requireShared(this);
    dir = tempDir('quality');
    inputs = tempDir('quality-inputs');
    pipeline = await LocalPipeline.open(new FsStore(dir), silentLogger);
    // Weeks 01-05, 01-19 and 02-02 are good; 01-26 fails a gate; 01-12 is not there at all.
    await pipeline.importFiles([csv('2023-01-05')]);
    await pipeline.importFiles([csv('2023-01-19')]);
    await pipeline.importFiles([csv('2023-02-02')]);
    const bad = path.join(inputs, 'regional-us-weekly-2023-01-26.csv');
    writeFileSync(bad, (await import('node:fs')).readFileSync(csv('2023-01-26'), 'utf8').replace(/\r\n3,/, '\r\n4,'));
    const result = await pipeline.importFiles([bad]);
    expect(result.failures).to.have.length(1);
  });
  after(async () => {
    await pipeline?.close();
    if (dir) removeDir(dir);
    if (inputs) removeDir(inputs);
  });

  it('lists the quarantined week with its failed checks, and the missing week; not ok', async () => {
    const report = await qualityReport(pipeline.store);
    expect(report.ok).to.equal(false);
    expect(report.charts).to.deep.equal([{ chart: US, first_week: '2023-01-05', last_week: '2023-02-02', weeks_with_data: 3 }]);
    expect(report.quarantined.map((q) => [q.week, q.checks])).to.deep.equal([['2023-01-26', ['duplicate_rank']]]);
    expect(report.quarantined[0].raw_key).to.equal(rawCsvKey({ chart: US, week: '2023-01-26' }, 'regional-us-weekly-2023-01-26.csv'));
    expect(report.missing.map((gap) => [gap.week, gap.reason])).to.deep.equal([['2023-01-12', 'no_data']]);
  });

  it('gaps --from --to lists every Thursday without data, with the reason', async () => {
    const gaps = await findGaps(pipeline.store, { from: '2022-12-30', to: '2023-02-16' });
    expect(gaps.map((gap) => `${gap.week} ${gap.reason}`)).to.deep.equal([
      '2023-01-12 no_data',
      '2023-01-26 quarantined',
      '2023-02-09 no_data',
      '2023-02-16 no_data',
    ]);
    expect(await findGaps(pipeline.store, { from: '2023-01-05', to: '2023-01-05' })).to.deep.equal([]);
    const backwards = await findGaps(pipeline.store, { from: '2023-02-01', to: '2023-01-01' }).then(() => undefined, (error: Error) => error);
    expect(backwards?.message).to.equal('--from 2023-02-01 is after --to 2023-01-01');
  });

  it('runs lists the lineage of each week: raw keys, SHA-256, code version, rows', async () => {
    const runs = await listRuns(pipeline.store);
    expect(runs.map((run) => run.week)).to.deep.equal(['2023-01-05', '2023-01-19', '2023-02-02']);
    expect(runs[0].rawKeys).to.deep.equal([rawCsvKey({ chart: US, week: '2023-01-05' }, 'regional-us-weekly-2023-01-05.csv')]);
    expect(runs[0].rawSha256[0]).to.match(/^[0-9a-f]{64}$/);
    expect(runs[0].rows.chart_entries).to.equal(200);
  });

  it('the _runs view shows the same lineage in SQL', async () => {
    const engine = await openLakeEngine(pipeline.store, { duck: pipeline.duck, recrawl: true });
    try {
      const { rows } = await engine.query('SELECT CAST(week AS VARCHAR) AS week, chart_entries_rows, len(raw_keys) = 1 AS sized FROM _runs ORDER BY week');
      expect(rows).to.deep.equal([
        { week: '2023-01-05', chart_entries_rows: 200, sized: true },
        { week: '2023-01-19', chart_entries_rows: 200, sized: true },
        { week: '2023-02-02', chart_entries_rows: 200, sized: true },
      ]);
    } finally {
      await engine.close();
    }
  });

  it('catch-up fills the missing weeks in order, skips the quarantined one, and recovers an untransformed raw object', async () => {
    // A raw object stored but never transformed (a run that stopped between extract and transform).
    const pending = rawCsvKey({ chart: US, week: '2023-02-09' }, 'regional-us-weekly-2023-02-09.csv');
    await new FsStore(dir).put(pending, (await import('node:fs')).readFileSync(csv('2023-02-09')));
    const calls: string[] = [];
    const worker: WeekWorker = {
      async extract(week: ChartWeek) {
        calls.push(`extract ${week.week}`);
        return { rawKey: `raw/x/${week.week}`, rows: 200 };
      },
      async transform(rawKey: string) {
        calls.push(`transform ${rawKey}`);
        return { rows: (await transformRawObjects([rawKey], { store: pipeline.store, duck: pipeline.duck })).weeks[0].rows.chart_entries };
      },
    };
    const log = memoryLogger();
    const result = await catchUp({ store: pipeline.store, worker, charts: [US], from: '2023-01-05', to: '2023-02-23', log });
    expect(calls).to.deep.equal(['extract 2023-01-12', `transform ${pending}`, 'extract 2023-02-16', 'extract 2023-02-23']);
    expect(result.runs.map((run) => `${run.week} ${run.outcome}`)).to.deep.equal([
      '2023-01-12 transformed',
      '2023-02-09 recovered',
      '2023-02-16 transformed',
      '2023-02-23 transformed',
    ]);
    expect(result.quarantined.map((gap) => gap.week)).to.deep.equal(['2023-01-26']);
    expect(log.lines).to.have.length(4); // one JSON line per week run
    expect(JSON.parse(log.lines[1])).to.include({ message: 'week run', week: '2023-02-09', outcome: 'recovered', rows: 200 });
  });
});

describe('catch-up without from: a machine that was off for three weeks fills the three weeks in order', () => {
  let dir: string;
  afterEach(() => removeDir(dir));

  it('starts after the newest transformed week and stops at the latest published one', async () => {
    dir = tempDir('catchup');
    const store = new FsStore(dir);
    await commitFakeWeeks(store, 'regional-global-weekly', ['2024-05-02']);
    const done: string[] = [];
    const failing = '2024-05-16';
    const worker: WeekWorker = {
      async extract(week) {
        done.push(week.week);
        if (week.week === failing) throw new Error('the source has no chart for that week yet');
        return { rawKey: 'raw/x', rows: 50 };
      },
      async transform() {
        throw new Error('not called');
      },
    };
    // Saturday 2024-05-25: the chart of Thursday 05-23 is out; 05-09, 05-16 and 05-23 were missed.
    const result = await catchUp({ store, worker, charts: ['regional-global-weekly'], now: () => new Date('2024-05-25T08:00:00Z') });
    expect(done).to.deep.equal(['2024-05-09', '2024-05-16', '2024-05-23']);
    expect(result.runs.map((run) => run.outcome)).to.deep.equal(['transformed', 'failed', 'transformed']);
    expect(result.runs[1].error).to.match(/no chart for that week/);
  });

  it('stops between weeks when asked to, never inside one', async () => {
    dir = tempDir('catchup-stop');
    const stop = new AbortController();
    const done: string[] = [];
    const worker: WeekWorker = {
      async extract(week) {
        done.push(week.week);
        stop.abort(); // a SIGTERM arrives while the first week runs
        return { rawKey: 'raw/x', rows: 1 };
      },
      async transform() {
        return { rows: 0 };
      },
    };
    const result = await catchUp({ store: new FsStore(dir), worker, charts: ['regional-global-weekly'], from: '2024-05-02', to: '2024-05-23', signal: stop.signal });
    expect(done).to.deep.equal(['2024-05-02']);
    expect(result.stopped).to.equal(true);
    expect(result.runs.map((run) => run.outcome)).to.deep.equal(['transformed']);
  });
});

describe('week locks in the lake', () => {
  let dir: string;
  const week = { chart: 'regional-global-weekly', week: '2024-05-02' };
  beforeEach(() => {
    dir = tempDir('lock');
  });
  afterEach(() => removeDir(dir));

  it('two runs of the same week at once: one wins, the other reports who holds the lock; the lock is gone after', async () => {
    const store = new FsStore(dir);
    let inside = 0;
    let maxInside = 0;
    const work = async () => {
      inside += 1;
      maxInside = Math.max(maxInside, inside);
      await new Promise((resolve) => setTimeout(resolve, 50));
      inside -= 1;
      return 'done';
    };
    const results = await Promise.allSettled([withWeekLock(store, week, 'extract', work, { owner: 'a' }), withWeekLock(store, week, 'extract', work, { owner: 'b' })]);
    expect(results.map((r) => r.status).sort()).to.deep.equal(['fulfilled', 'rejected']);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(rejected.reason).to.be.instanceOf(WeekLockedError);
    expect((rejected.reason as Error).message).to.match(/regional-global-weekly 2024-05-02 is being processed by another run \((a|b),/);
    expect(maxInside).to.equal(1);
    expect(await store.head(weekLockKey(week, 'extract'))).to.equal(undefined);
  });

  it('a run that waits gets the week once the other is done (never both at once)', async () => {
    const store = new FsStore(dir);
    const order: string[] = [];
    const work = (name: string) => async () => {
      order.push(`${name} in`);
      await new Promise((resolve) => setTimeout(resolve, 40));
      order.push(`${name} out`);
    };
    await Promise.all([
      withWeekLock(store, week, 'transform', work('a'), { owner: 'a', waitMs: 5000, pollMs: 10 }),
      withWeekLock(store, week, 'transform', work('b'), { owner: 'b', waitMs: 5000, pollMs: 10 }),
    ]);
    expect(order).to.have.length(4);
    expect(order[0].split(' ')[0]).to.equal(order[1].split(' ')[0]); // the first one left before the second came in
  });

  it('a stale lock (its holder stopped refreshing it) is taken over after the timeout; a fresh one is not', async () => {
    const store = new FsStore(dir);
    const key = weekLockKey(week, 'transform');
    const old: LockBody = { owner: 'dead-host:1:x', host: 'another-host', pid: 1, purpose: 'transform', chart: week.chart, week: week.week, acquired_at: '2024-05-03T00:00:00.000Z', heartbeat_at: '2024-05-03T00:00:00.000Z' };
    await store.put(key, JSON.stringify(old));
    const now = () => new Date('2024-05-03T00:05:00.000Z');
    const fresh = await acquireWeekLock(store, week, 'transform', { now, staleMs: 10 * 60_000 }).then(
      () => 'acquired',
      (error: Error) => error.message,
    );
    expect(fresh).to.match(/being processed by another run \(dead-host:1:x, transform since 2024-05-03T00:00:00.000Z/);
    const taken: LockBody[] = [];
    const later = () => new Date('2024-05-03T00:11:00.000Z');
    const lock = await acquireWeekLock(store, week, 'transform', { now: later, staleMs: 10 * 60_000, owner: 'me', onTakeover: (stale) => taken.push(stale) });
    expect(taken.map((t) => t.owner)).to.deep.equal(['dead-host:1:x']);
    expect(JSON.parse((await store.get(key))!.toString()).owner).to.equal('me');
    await lock.release();
    expect(await store.head(key)).to.equal(undefined);
  });

  it('a lock left by a killed process on this host is taken over at once', async () => {
    const store = new FsStore(dir);
    const os = await import('node:os');
    const { spawnSync } = await import('node:child_process');
    const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const stamp = new Date().toISOString();
    await store.put(weekLockKey(week, 'extract'), JSON.stringify({ owner: 'x', host: os.hostname(), pid: Number(deadPid), purpose: 'extract', chart: week.chart, week: week.week, acquired_at: stamp, heartbeat_at: stamp }));
    expect(await withWeekLock(store, week, 'extract', async () => 'ran')).to.equal('ran');
  });

  it('the transform of a chart-year holds its lock: a second transform with no wait is refused, the lake unchanged', async function () {
    requireShared(this);
    const pipeline = await LocalPipeline.open(new FsStore(dir), silentLogger);
    try {
      await pipeline.importFiles([csv('2023-01-05')]);
      const rawKey = rawCsvKey({ chart: US, week: '2023-01-05' }, 'regional-us-weekly-2023-01-05.csv');
      const before = snapshot(path.join(dir, 'transformed'));
      const lock = await acquireLock(pipeline.store, yearLockKey({ chart: US, year: 2023 }, 'transform'), { chart: US, week: '2023' }, 'transform', { owner: 'someone-else' });
      const error = await transformRawObjects([rawKey], { store: pipeline.store, duck: pipeline.duck, lock: { waitMs: 0 } }).then(() => undefined, (e: Error) => e);
      await lock.release();
      expect(error).to.be.instanceOf(WeekLockedError);
      expect(snapshot(path.join(dir, 'transformed'))).to.deep.equal(before);
      const again = await transformRawObjects([rawKey], { store: pipeline.store, duck: pipeline.duck });
      expect(again.weeks[0].rows.chart_entries).to.equal(200);
      expect(snapshot(path.join(dir, 'transformed'))).to.have.keys(Object.keys(before));
    } finally {
      await pipeline.close();
    }
  });
});
