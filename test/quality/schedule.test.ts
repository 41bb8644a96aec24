import { expect } from 'chai';
import { loadConfig } from '../../src/config';
import { memoryLogger } from '../../src/log';
import { crontabFields, nextFire, parseCron, runScheduler, systemdOnCalendar, type WeekWorker } from '../../src/schedule';
import { FsStore } from '../../src/store';
import { commitFakeWeeks } from '../support/lineage';
import { removeDir, tempDir } from '../support/lake';

const next = (expression: string, after: string) => nextFire(parseCron(expression), new Date(after))?.toISOString();

describe('EventBridge cron expressions (the schedule setting the AWS stack uses)', () => {
  it('the default schedule fires on Fridays at 12:00 UTC', () => {
    const schedule = loadConfig({}, {}, '/nonexistent').schedule;
    expect(schedule).to.equal('cron(0 12 ? * FRI *)');
    expect(next(schedule, '2024-05-22T10:00:00Z')).to.equal('2024-05-24T12:00:00.000Z'); // Wednesday → Friday
    expect(next(schedule, '2024-05-24T12:00:00Z')).to.equal('2024-05-31T12:00:00.000Z'); // strictly after
    expect(next(schedule, '2024-05-24T11:59:30Z')).to.equal('2024-05-24T12:00:00.000Z');
  });

  it('supports numbers (1 = Sunday), ranges, lists, steps, month names, L, # and years', () => {
    expect(next('cron(30 6 ? * 6 *)', '2024-01-01T00:00:00Z')).to.equal('2024-01-05T06:30:00.000Z'); // 6 = Friday
    expect(next('cron(0/15 * * * ? *)', '2024-01-01T00:07:00Z')).to.equal('2024-01-01T00:15:00.000Z');
    expect(next('cron(0 9 ? * MON-FRI *)', '2024-01-06T10:00:00Z')).to.equal('2024-01-08T09:00:00.000Z'); // Saturday → Monday
    expect(next('cron(0 0 1,15 JAN,JUL ? *)', '2024-01-15T00:00:00Z')).to.equal('2024-07-01T00:00:00.000Z');
    expect(next('cron(0 18 L * ? *)', '2024-02-10T00:00:00Z')).to.equal('2024-02-29T18:00:00.000Z');
    expect(next('cron(0 12 ? * 6#3 *)', '2024-05-01T00:00:00Z')).to.equal('2024-05-17T12:00:00.000Z'); // third Friday
    expect(next('cron(0 12 1 1 ? 2030)', '2024-05-01T00:00:00Z')).to.equal('2030-01-01T12:00:00.000Z');
    expect(next('cron(0 12 1 1 ? 2020)', '2024-05-01T00:00:00Z')).to.equal(undefined);
  });

  it('refuses what EventBridge refuses, with the expression in the message', () => {
    expect(() => parseCron('0 12 * * 5')).to.throw(/"0 12 \* \* 5": not of the form cron/);
    expect(() => parseCron('cron(0 12 * * 5)')).to.throw(/5 fields; EventBridge cron has 6/);
    expect(() => parseCron('cron(0 12 * * FRI *)')).to.throw(/exactly one of day-of-month and day-of-week must be "\?"/);
    expect(() => parseCron('cron(61 12 ? * FRI *)')).to.throw(/minutes value "61" is outside 0-59/);
    expect(() => parseCron('cron(0 12 ? * FRX *)')).to.throw(/day-of-week value "FRX"/);
  });

  it('gives the equivalent crontab line and systemd OnCalendar', () => {
    expect(crontabFields(parseCron('cron(0 12 ? * FRI *)'))).to.equal('0 12 * * 5');
    expect(systemdOnCalendar(parseCron('cron(0 12 ? * FRI *)'))).to.equal('Fri *-*-* 12:00:00 UTC');
    expect(crontabFields(parseCron('cron(30 6 1 * ? *)'))).to.equal('30 6 1 * *');
    expect(crontabFields(parseCron('cron(0 18 L * ? *)'))).to.equal(undefined);
  });
});

describe('the local scheduler (chartlake schedule)', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('scheduler');
  });
  afterEach(() => removeDir(dir));

  it('catches up on start, then runs at each firing, one week at a time, one JSON line per run, and stops cleanly', async () => {
    const store = new FsStore(dir);
    const chart = 'regional-global-weekly';
    await commitFakeWeeks(store, chart, ['2024-05-02']);

    // A fake clock: sleeping jumps to the wake-up time. The machine starts on Saturday 2024-05-25, three weeks late.
    let clock = new Date('2024-05-25T08:00:00Z');
    const stop = new AbortController();
    const wakeUps: string[] = [];
    let running = 0;
    let overlapping = false;
    const done: string[] = [];
    const worker: WeekWorker = {
      async extract(week) {
        running += 1;
        overlapping ||= running > 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        done.push(week.week);
        await commitFakeWeeks(store, chart, [week.week]); // what a real run leaves
        running -= 1;
        return { rawKey: `raw/spotify/${chart}/week=${week.week}/x.json`, rows: 50 };
      },
      async transform() {
        return { rows: 0 };
      },
    };
    const log = memoryLogger();
    await runScheduler({
      store,
      worker,
      schedule: parseCron('cron(0 12 ? * FRI *)'),
      charts: [chart],
      log,
      signal: stop.signal,
      now: () => clock,
      sleepUntil: async (until) => {
        wakeUps.push(until.toISOString());
        clock = new Date(until.getTime() + 1000);
        if (wakeUps.length === 2) stop.abort(); // SIGTERM during the second sleep
      },
    });
    expect(done).to.deep.equal(['2024-05-09', '2024-05-16', '2024-05-23', '2024-05-30']);
    expect(wakeUps).to.deep.equal(['2024-05-31T12:00:00.000Z', '2024-06-07T12:00:00.000Z']);
    expect(overlapping).to.equal(false);
    const lines = log.lines.map((line) => JSON.parse(line) as { message: string; week?: string; outcome?: string });
    expect(lines.filter((line) => line.message === 'week run').map((line) => `${line.week} ${line.outcome}`)).to.deep.equal([
      '2024-05-09 transformed',
      '2024-05-16 transformed',
      '2024-05-23 transformed',
      '2024-05-30 transformed',
    ]);
    expect(lines[0].message).to.equal('scheduler started');
    expect(lines[lines.length - 1].message).to.equal('scheduler stopped');
  });
});
