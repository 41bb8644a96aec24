import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DuckDb } from '../query/duckdb';
import { literalFilePath, TEMP_PATH_FIX } from '../query/sql';
import { FsStore, type ObjectStore, type WeekLockOptions } from '../store';
import type { Logger } from '../log';

/** What every transform step runs with: the lake, DuckDB, a scratch folder. */
export interface TransformContext {
  store: ObjectStore;
  duck: DuckDb;
  /** Scratch folder (on Lambda, below /tmp). */
  workDir?: string;
  log?: Logger;
  now?: () => Date;
  /** The chart-year locks (stale timeout, how long to wait for another writer). */
  lock?: WeekLockOptions;
}

/** A transform waits this long for another writer of the same chart-year (well under a Lambda's timeout). */
export const DEFAULT_LOCK_WAIT_MS = 4 * 60_000;
/** Work folders are `chartlake-transform-<pid>-<random>`: the pid tells whether their process is gone. */
export const WORK_PREFIX = 'chartlake-transform-';

/** A fresh work folder of this process below `workDir`, whose paths DuckDB reads and writes literally. */
export async function makeWorkDir(workDir: string): Promise<string> {
  literalFilePath(workDir, 'the scratch folder', TEMP_PATH_FIX);
  return fs.mkdtemp(path.join(workDir, `${WORK_PREFIX}${process.pid}-`));
}

/** The local path of a lake object (a folder lake's own file, else a copy in `work`), or undefined when there is none. */
export async function localCopy(store: ObjectStore, key: string, work: string): Promise<string | undefined> {
  if (store instanceof FsStore) {
    const file = store.pathOf(key);
    return (await fs.stat(file).catch(() => undefined)) ? file : undefined;
  }
  const bytes = await store.get(key);
  if (!bytes) return undefined;
  const file = path.join(work, 'current', ...key.split('/'));
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, bytes);
  return file;
}
