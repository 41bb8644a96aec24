import { promises as fs, readdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { FsStore, isCatalogTable, isTemporaryName, LINEAGE_TABLE, parseTableFileKey, TRANSFORMED_PREFIX, type ObjectStore } from '../store';
import { LAKE_PATH_FIX, literalFilePath } from './sql';

/**
 * DuckDB reads local files only (httpfs is not built into @duckdb/node-api and nothing is downloaded at run
 * time). A folder lake is read in place; an S3 lake's transformed zone is mirrored to a local cache, copying only
 * objects whose size or time changed. Past one machine's disk, query the lake with Athena instead.
 */
export async function localLakeRoot(store: ObjectStore, cacheDir?: string): Promise<string> {
  // Every reader of the transformed zone (views, crawler, lineage) gets its paths from here: one check covers them.
  if (store instanceof FsStore) return literalFilePath(store.root, 'the lake path', LAKE_PATH_FIX);
  const root = cacheDir ?? path.join(os.homedir(), '.cache', 'chartlake', createHash('sha256').update(store.location).digest('hex').slice(0, 16));
  literalFilePath(root, 'the local copy of the lake', 'set HOME to a folder whose path has none of them');
  // Only the tables (and lineage): what a reader reads, not the lake's own records such as song identity's state.
  const objects = (await store.list(TRANSFORMED_PREFIX)).filter((object) => {
    const table = parseTableFileKey(object.key)?.table;
    return table === undefined || isCatalogTable(table);
  });
  // What each local copy was copied from (its ETag): S3 times have whole seconds, and a file rewritten within the
  // second at the same size (another run_id) would otherwise keep its stale copy and hide a committed week.
  const manifestFile = path.join(root, MIRROR_MANIFEST);
  const copiedFrom: Record<string, string> = JSON.parse(await fs.readFile(manifestFile, 'utf8').catch(() => '{}')) as Record<string, string>;
  const wanted = new Set<string>();
  for (const object of objects) {
    const file = path.join(root, ...object.key.split('/'));
    wanted.add(file);
    const stat = await fs.stat(file).catch(() => undefined);
    const same = object.eTag !== undefined ? copiedFrom[object.key] === object.eTag : stat?.mtimeMs !== undefined && stat.mtimeMs >= object.lastModified.getTime();
    if (stat && stat.size === object.size && same) continue;
    const body = await store.get(object.key);
    if (!body) continue;
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.tmp-${process.pid}`;
    await fs.writeFile(temp, body);
    await fs.rename(temp, file);
    if (object.eTag !== undefined) copiedFrom[object.key] = object.eTag;
  }
  for (const key of Object.keys(copiedFrom)) if (!wanted.has(path.join(root, ...key.split('/')))) delete copiedFrom[key];
  await fs.mkdir(root, { recursive: true });
  await fs.writeFile(`${manifestFile}.tmp-${process.pid}`, JSON.stringify(copiedFrom));
  await fs.rename(`${manifestFile}.tmp-${process.pid}`, manifestFile);
  await removeUnwanted(path.join(root, 'transformed'), wanted);
  return root;
}

/** Beside `transformed/` in the local copy of an S3 lake: key → ETag of the object each file was copied from. */
const MIRROR_MANIFEST = 'copied-from.json';

async function removeUnwanted(dir: string, wanted: Set<string>): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await removeUnwanted(full, wanted);
    else if (!wanted.has(full)) await fs.rm(full, { force: true });
  }
}

/**
 * Runs `read` over the lake's files so that it sees every file whole. DuckDB opens a Parquet file twice per statement
 * (its footer, then its pages), so a file another process renames over in between (every write of the lake lands
 * so) gives it the footer of one version and the pages of the next: an error, or wrong rows without one. `read`
 * runs in place first, and the files it reads are compared before and after: `watched` (keys or prefixes below
 * `root`, all of `prefix` by default), and the keys `read` names through `watch` as it goes, each as it was when
 * named (before it is read). When one was replaced meanwhile, `read` runs again over a snapshot of hard links of
 * `prefix` (`FsStore.snapshot`), whose files no one replaces. `read` gets the folder to read from (`root` or the
 * snapshot, laid out the same) and must be repeatable (reads; CREATE OR REPLACE). Watching only what is read keeps
 * the check's cost to the files a reader needs, not the lake's (~35 ms a walk of a 1,300-file lake).
 */
export async function readWhole<T>(
  root: string,
  prefix: string,
  read: (root: string, watch: (keys: readonly string[]) => void) => Promise<T>,
  watched: readonly string[] = [prefix],
): Promise<T> {
  const stateOf = (key: string) => filesState(path.join(root, ...key.split('/').filter(Boolean)));
  const state = () => watched.map(stateOf).join('\n');
  const before = state();
  const named = new Map<string, string>();
  const watch = (keys: readonly string[]) => {
    for (const key of keys) if (!named.has(key)) named.set(key, stateOf(key));
  };
  let outcome: { value: T } | { error: unknown };
  try {
    outcome = { value: await read(root, watch) };
  } catch (error) {
    outcome = { error };
  }
  if (state() === before && [...named].every(([key, was]) => stateOf(key) === was)) {
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }
  const snapshot = await new FsStore(root).snapshot(prefix);
  try {
    return await read(snapshot.root, () => undefined);
  } finally {
    await snapshot.release();
  }
}

/**
 * The folder where a lake's committed chart weeks are cached between processes (catalog `loadCommitted`): in the
 * temporary folder, one per user and lake root, so that a query never writes into the lake it reads.
 */
export function committedCacheDir(root: string): string {
  const user = process.getuid?.() ?? os.userInfo().username;
  return path.join(os.tmpdir(), `chartlake-committed-${user}`, createHash('sha256').update(path.resolve(root)).digest('hex').slice(0, 16));
}

/**
 * Whether the cache folder `dir` is this user's own (the temporary folder is shared: another user's file there must
 * never stand for this lake's committed weeks). Where there are no user ids (Windows), a user's temporary folder is
 * their own.
 */
export function isOwnCacheDir(dir: string): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return true;
  const owner = (folder: string) => statSync(folder, { throwIfNoEntry: false })?.uid;
  return owner(dir) === uid && owner(path.dirname(dir)) === uid;
}

/** The lineage files of the lake below `root` (`filesState`): changes when a week is committed. */
export function lineageState(root: string): string {
  return filesState(path.join(root, ...`${TRANSFORMED_PREFIX}${LINEAGE_TABLE}`.split('/')));
}

/**
 * What the files below `dir` (or the file `dir`) are now: each file's name, inode, size and time to the nanosecond. Equal states mean
 * no file was replaced in between (a rename installs another inode). Synchronous on purpose: the walk of a full
 * lake's 1,300 files takes milliseconds, thousands of promises would take more.
 */
export function filesState(dir: string): string {
  const parts: string[] = [];
  const line = (full: string) => {
    const stat = statSync(full, { bigint: true, throwIfNoEntry: false });
    if (stat) parts.push(`${full}\t${stat.ino}\t${stat.size}\t${stat.mtimeNs}`);
  };
  const walk = (folder: string) => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return; // not there (yet), or removed meanwhile: the state says so by the absence of its files
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!isTemporaryName(entry.name)) {
        // (a writer's temporary file is never read: it comes and goes without changing what a reader sees)
        line(full);
      }
    }
  };
  // A key names one file; a prefix, the files below it.
  if (statSync(dir, { throwIfNoEntry: false })?.isFile()) line(dir);
  else walk(dir);
  return parts.join('\n');
}
