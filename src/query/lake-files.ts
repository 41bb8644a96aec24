import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { FsStore, TRANSFORMED_PREFIX, type ObjectStore, type StoreSnapshot } from '../store';
import { LAKE_PATH_FIX, literalFilePath } from './sql';

/**
 * The transformed zone's files as DuckDB reads them: a snapshot (`FsStore.snapshot`: hard links, so a file another
 * process replaces meanwhile is read whole, in the version linked). DuckDB reads local files only (httpfs is not
 * built into @duckdb/node-api and nothing is downloaded at run time): a folder lake is linked in place; an S3 lake's
 * transformed zone is first mirrored to a local cache, copying only objects whose size or time changed. Past one
 * machine's disk, query the lake with Athena instead. Release the snapshot when the reading is done.
 */
export async function openLakeFiles(store: ObjectStore, prefix = TRANSFORMED_PREFIX): Promise<StoreSnapshot> {
  // Every reader of the transformed zone (views, crawler, lineage) gets its paths from here: one check covers them.
  if (store instanceof FsStore) {
    literalFilePath(store.root, 'the lake path', LAKE_PATH_FIX);
    return store.snapshot(prefix);
  }
  return new FsStore(await mirrorLake(store)).snapshot(prefix);
}

/** Copies an S3 lake's transformed zone to a local folder (only objects changed since the last copy); returns it. */
async function mirrorLake(store: ObjectStore): Promise<string> {
  const root = path.join(os.homedir(), '.cache', 'chartlake', createHash('sha256').update(store.location).digest('hex').slice(0, 16));
  literalFilePath(root, 'the local copy of the lake', 'set HOME to a folder whose path has none of them');
  const objects = await store.list(TRANSFORMED_PREFIX);
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
