import type { Logger } from '../log';
import type { ObjectStore } from '../store';
import { catchUp, type CatchUpResult, type WeekWorker } from './catch-up';
import { nextFire, type CronSchedule } from './cron';

export interface SchedulerOptions {
  store: ObjectStore;
  worker: WeekWorker;
  schedule: CronSchedule;
  charts: string[];
  /** One JSON line per week run and per scheduler event. */
  log: Logger;
  /** Stops the scheduler: between weeks, never inside one. */
  signal: AbortSignal;
  now?: () => Date;
  /** Waits until `until` or until `signal` aborts (tests pass a fake clock). */
  sleepUntil?: (until: Date, signal: AbortSignal) => Promise<void>;
  /** After a catch-up, awaited before the next sleep (the CLI crawls the catalog here). */
  onTick?: (result: CatchUpResult) => void | Promise<void>;
}

/**
 * The weekly trigger on one machine: catches up on start (weeks missed while the machine was off, in order),
 * then at each firing of the cron schedule fills whatever is due. Runs are sequential by construction, so two
 * extracts never overlap in this process; the week locks in the lake cover other processes.
 */
export async function runScheduler(options: SchedulerOptions): Promise<void> {
  const now = options.now ?? (() => new Date());
  const sleepUntil = options.sleepUntil ?? realSleepUntil;
  const { log, signal } = options;
  log.log('info', 'scheduler started', { schedule: options.schedule.expression, charts: options.charts });
  const tick = async (reason: string) => {
    const result = await catchUp({ store: options.store, worker: options.worker, charts: options.charts, now, log, signal });
    for (const gap of result.quarantined) {
      log.log('warn', 'week quarantined; fix it and run chartlake replay', { chart: gap.chart, week: gap.week, raw_key: gap.raw_key });
    }
    if (result.runs.length === 0 && !result.stopped) log.log('info', 'nothing to do', { reason });
    await options.onTick?.(result);
  };
  await tick('start');
  while (!signal.aborted) {
    const next = nextFire(options.schedule, now());
    if (!next) {
      log.log('warn', 'the schedule never fires again; stopping', { schedule: options.schedule.expression });
      break;
    }
    log.log('info', 'next run', { at: next.toISOString() });
    await sleepUntil(next, signal);
    if (signal.aborted) break;
    await tick('schedule');
  }
  log.log('info', 'scheduler stopped', {});
}

/** setTimeout in chunks (its limit is ~24.8 days), cut short by the abort signal. */
export async function realSleepUntil(until: Date, signal: AbortSignal): Promise<void> {
  while (!signal.aborted && Date.now() < until.getTime()) {
    const ms = Math.min(until.getTime() - Date.now(), 3_600_000);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
