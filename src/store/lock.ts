import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import { weekLockKey, type ChartWeek } from './keys';
import type { ObjectStore } from './types';
import { processIsAlive } from './fs-store';

/** What a lock object holds: who has the week, since when, and until when it counts as alive. */
export interface LockBody {
  owner: string;
  /** Host and process of the holder: on the same host, a lock whose process is gone is taken over at once. */
  host?: string;
  pid?: number;
  purpose: string;
  chart: string;
  week: string;
  acquired_at: string;
  /** Refreshed by the holder every `staleMs / 3`; a lock not refreshed for `staleMs` may be taken over. */
  heartbeat_at: string;
}

export interface WeekLockOptions {
  /** A lock whose heartbeat is older than this is abandoned (its process died) and is taken over. Default 10 min. */
  staleMs?: number;
  /** How long to wait for a busy week before giving up with `WeekLockedError`. Default 0: do not wait. */
  waitMs?: number;
  /** Poll interval while waiting. Default 250 ms. */
  pollMs?: number;
  /** Identifies this process in the lock (default host:pid:random). */
  owner?: string;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Called when an abandoned lock is taken over (for the log). */
  onTakeover?: (stale: LockBody) => void;
}

export const DEFAULT_STALE_LOCK_MS = 10 * 60_000;

/** Another run holds the week: nothing was done, the lake is as that run leaves it. */
export class WeekLockedError extends Error {
  constructor(
    readonly key: string,
    readonly holder: LockBody | undefined,
  ) {
    super(
      `${holder?.chart ?? '?'} ${holder?.week ?? '?'} is being processed by another run (${holder?.owner ?? 'unknown owner'}, ` +
        `${holder?.purpose ?? '?'} since ${holder?.acquired_at ?? '?'}; lock ${key}); try again when it is done`,
    );
    this.name = 'WeekLockedError';
  }
}

export function defaultLockOwner(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * Runs `work` while holding the lake lock of one chart week (an object created with `putIfAbsent`, so two
 * processes, or two Lambdas, cannot both hold it). A lock whose holder stopped refreshing it for `staleMs`
 * is taken over, so a run killed with SIGKILL blocks the week only until the timeout (on the same host, not at
 * all: a lock whose process is gone is taken over at once).
 */
export async function withWeekLock<T>(
  store: ObjectStore,
  chartWeek: ChartWeek,
  purpose: string,
  work: () => Promise<T>,
  options: WeekLockOptions = {},
): Promise<T> {
  const lock = await acquireWeekLock(store, chartWeek, purpose, options);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}

/**
 * Runs `work` holding every lock of `locks` (taken in key order, so two runs that need overlapping sets never
 * wait on each other in a cycle), released in any case.
 */
export async function withLocks<T>(
  store: ObjectStore,
  locks: { key: string; subject: ChartWeek }[],
  purpose: string,
  work: () => Promise<T>,
  options: WeekLockOptions = {},
): Promise<T> {
  const held: HeldLock[] = [];
  try {
    for (const lock of [...locks].sort((a, b) => a.key.localeCompare(b.key))) held.push(await acquireLock(store, lock.key, lock.subject, purpose, options));
    return await work();
  } finally {
    for (const lock of held.reverse()) await lock.release();
  }
}

export interface HeldLock {
  key: string;
  body: LockBody;
  release(): Promise<void>;
}

export async function acquireWeekLock(store: ObjectStore, chartWeek: ChartWeek, purpose: string, options: WeekLockOptions = {}): Promise<HeldLock> {
  return acquireLock(store, weekLockKey(chartWeek, purpose), chartWeek, purpose, options);
}

/**
 * Takes the lock object `key` (see `withWeekLock`); `subject` names what it guards in the lock body and in errors
 * (a chart week, or a chart and a year as `week`).
 */
export async function acquireLock(store: ObjectStore, key: string, subject: ChartWeek, purpose: string, options: WeekLockOptions = {}): Promise<HeldLock> {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const staleMs = options.staleMs ?? DEFAULT_STALE_LOCK_MS;
  const owner = options.owner ?? defaultLockOwner();
  const deadline = now().getTime() + (options.waitMs ?? 0);
  for (;;) {
    const stamp = now().toISOString();
    const body: LockBody = { owner, host: os.hostname(), pid: process.pid, purpose, chart: subject.chart, week: subject.week, acquired_at: stamp, heartbeat_at: stamp };
    // Not flushed to disk: a lock matters only while its process lives (after a power loss none does).
    if (await store.putIfAbsent(key, JSON.stringify(body), { durable: false })) return held(store, key, body, staleMs, now);
    const holder = await readLock(store, key);
    if (holder === undefined) continue; // released between our two calls: try again at once
    if (isStale(holder, staleMs, now()) || holderIsGone(holder)) {
      // Take over only the very lock we judged stale; a fresh one written meanwhile is left alone.
      const again = await readLock(store, key);
      if (again && again.owner === holder.owner && again.heartbeat_at === holder.heartbeat_at) {
        options.onTakeover?.(holder);
        await store.delete(key);
      }
      continue;
    }
    if (now().getTime() >= deadline) throw new WeekLockedError(key, holder);
    await sleep(options.pollMs ?? 250);
  }
}

export async function readLock(store: ObjectStore, key: string): Promise<LockBody | undefined> {
  const bytes = await store.get(key);
  if (!bytes) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8')) as LockBody;
  } catch {
    // A lock object that is not JSON was not written by chartlake's atomic put; treat it as abandoned.
    return { owner: 'unreadable', purpose: '?', chart: '?', week: '?', acquired_at: new Date(0).toISOString(), heartbeat_at: new Date(0).toISOString() };
  }
}

export function isStale(lock: LockBody, staleMs: number, now: Date): boolean {
  const beat = Date.parse(lock.heartbeat_at);
  return Number.isNaN(beat) || now.getTime() - beat > staleMs;
}

/** True when the holder ran on this host and its process no longer exists (killed, crashed). */
export function holderIsGone(lock: LockBody): boolean {
  if (lock.host !== os.hostname() || typeof lock.pid !== 'number' || lock.pid === process.pid) return false;
  return !processIsAlive(lock.pid);
}

function held(store: ObjectStore, key: string, body: LockBody, staleMs: number, now: () => Date): HeldLock {
  let current = body;
  let beating: Promise<unknown> = Promise.resolve();
  // Heartbeats keep a long run's lock fresh; unref'd so they never keep the process alive.
  const timer = setInterval(() => {
    beating = beating.then(async () => {
      const onDisk = await readLock(store, key);
      if (onDisk?.owner !== current.owner) return; // lost (taken over): do not overwrite the new holder
      current = { ...current, heartbeat_at: now().toISOString() };
      await store.put(key, JSON.stringify(current));
    }).catch(() => undefined);
  }, Math.max(1000, Math.floor(staleMs / 3)));
  timer.unref();
  return {
    key,
    get body() {
      return current;
    },
    async release() {
      clearInterval(timer);
      await beating;
      const onDisk = await readLock(store, key);
      if (onDisk?.owner === current.owner) await store.delete(key);
    },
  };
}
