import { promises as fs, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { objectCreatedEvent } from './events';
import { flushFiles } from './fs-sync';
import { assertDistinctKeys, inPool, type ObjectCreatedListener, type ObjectInfo, type ObjectStore, type PutEntry, type PutIfAbsentOptions } from './types';
import { assertValidKey, byKey } from './keys';

const TEMP_MARKER = '.tmp-';

/** Whether a file or folder name is a writer's temporary one (renamed into place when whole, or a snapshot): never a key. */
export function isTemporaryName(name: string): boolean {
  return name.includes(TEMP_MARKER);
}
/** File operations of a bulk write in flight at once (libuv runs them on its thread pool). */
const BULK_CONCURRENCY = 16;

/** Files of a folder lake fixed at one moment: see `FsStore.snapshot`. */
export interface StoreSnapshot {
  /** The folder holding the snapshot's files, laid out as the lake. */
  readonly root: string;
  readonly objects: ObjectInfo[];
  pathOf(key: string): string;
  release(): Promise<void>;
}

/** A folder lake: every key is a file below `root`. Writes go to a temporary name and are renamed into place. */
export class FsStore implements ObjectStore {
  readonly bucket = 'local';
  readonly root: string;
  private readonly listeners = new Set<ObjectCreatedListener>();

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  get location(): string {
    return this.root;
  }

  /** The file that holds `key` (the folder lake only; DuckDB reads these files directly). */
  pathOf(key: string): string {
    assertValidKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Uint8Array | string): Promise<ObjectInfo> {
    const target = this.pathOf(key);
    const temp = await this.writeTemp(target, body);
    await fs.rename(temp, target);
    return this.created(key);
  }

  /**
   * Every object is written to its temporary name first (a file entry is moved there, or copied when it lies on
   * another file system), then all temporary files are flushed to disk at once (`flushFiles`: one syncfs on
   * Linux instead of one fsync per object), then each is renamed into place and the events are emitted. So after a
   * crash or a power loss each key holds its whole new object or what it held before, as with `put`; leftovers are
   * temporary names, which `list` and `*.parquet` globs never show. As with `put`, the renames reach the disk with
   * the file system's next journal commit (ext4: within 5 s), in order: a later `putMany`'s objects never survive
   * a power loss without an earlier one's (and the next flush, here or in `put`, commits them first).
   */
  async putMany(entries: PutEntry[]): Promise<ObjectInfo[]> {
    assertDistinctKeys(entries);
    const staged: { key: string; temp: string; target: string; size: number }[] = entries.map((entry) => {
      const target = this.pathOf(entry.key);
      return { key: entry.key, target, temp: tempName(target), size: 0 };
    });
    try {
      await inPool([...new Set(staged.map((item) => path.dirname(item.target)))], BULK_CONCURRENCY, async (dir) => {
        await fs.mkdir(dir, { recursive: true });
      });
      await inPool(staged.map((item, index) => ({ item, entry: entries[index] })), BULK_CONCURRENCY, async ({ item, entry }) => {
        if ('body' in entry) {
          await fs.writeFile(item.temp, entry.body);
          item.size = typeof entry.body === 'string' ? Buffer.byteLength(entry.body) : entry.body.byteLength;
        } else {
          await moveOrCopy(entry.file, item.temp);
          item.size = (await fs.stat(item.temp)).size;
        }
      });
      await flushFiles(this.root, staged.map((item) => item.temp));
      await inPool(staged, BULK_CONCURRENCY, (item) => this.publish(item.key, item.temp, item.target));
    } catch (error) {
      await Promise.all(staged.map((item) => fs.rm(item.temp, { force: true })));
      throw error;
    }
    const now = new Date();
    return staged.map((item) => {
      const event = objectCreatedEvent(this.bucket, item.key, item.size);
      for (const listener of this.listeners) listener(event);
      return { key: item.key, size: item.size, lastModified: now };
    });
  }

  /** Renames one flushed temporary file of `putMany` into place (a seam for the crash tests' store). */
  protected async publish(_key: string, temp: string, target: string): Promise<void> {
    await fs.rename(temp, target);
  }

  async putIfAbsent(key: string, body: Uint8Array | string, options: PutIfAbsentOptions = {}): Promise<boolean> {
    const target = this.pathOf(key);
    const temp = await this.writeTemp(target, body, options.durable !== false);
    try {
      // link() fails when the target exists: an atomic "create only if absent" on a POSIX file system.
      await fs.link(temp, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await fs.rm(temp, { force: true });
    }
    await this.created(key);
    return true;
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const stat = await fs.stat(this.pathOf(key), { bigint: true });
      return stat.isFile() ? objectInfo(key, stat) : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    // Walk only below the deepest folder the prefix names.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const start = folder ? path.join(this.root, ...folder.split('/')) : this.root;
    const found: ObjectInfo[] = [];
    // Synchronous on purpose: a full lake's transformed zone (1,500 files, most alone in a chart-year folder) took
    // 110-260 ms through fs.promises, one libuv round trip per folder and per file, and takes 35-60 ms this way.
    const walk = (dir: string, keyPrefix: string): void => {
      let names: import('node:fs').Dirent[];
      try {
        names = readdirSync(dir, { withFileTypes: true });
      } catch (error) {
        if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw error;
      }
      for (const entry of names) {
        const key = keyPrefix ? `${keyPrefix}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          // A temporary folder (a snapshot) never holds keys.
          if (isTemporaryName(entry.name)) continue;
          if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) walk(path.join(dir, entry.name), key);
        } else if (entry.isFile() && !isTemporaryName(entry.name) && key.startsWith(prefix)) {
          // (undefined: removed since the folder was read)
          const stat = statSync(path.join(dir, entry.name), { bigint: true, throwIfNoEntry: false });
          if (stat) found.push(objectInfo(key, stat));
        }
      }
    };
    walk(start, folder);
    return found.sort(byKey);
  }

  /**
   * A read-consistent copy of the objects below `prefix`, for DuckDB: hard links (the same file versions, no bytes
   * copied; a copy where links are not possible) with the lake's layout, in a private temporary folder of the lake.
   * DuckDB reads a Parquet file's footer and its pages through separate opens, so a file another process renames
   * over mid-statement silently mixes two versions (or fails); a link keeps the version it was made from. The
   * objects are those linked, with the size and time of the linked versions; `release` removes the folder (a killed
   * reader's folder is removed by `removeAbandonedTemporaryFiles`).
   */
  async snapshot(prefix: string): Promise<StoreSnapshot> {
    const root = path.join(this.root, `.snapshot${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`);
    const release = () => fs.rm(root, { recursive: true, force: true });
    try {
      const objects: ObjectInfo[] = [];
      await inPool(await this.list(prefix), BULK_CONCURRENCY, async ({ key }) => {
        const file = path.join(root, ...key.split('/'));
        await fs.mkdir(path.dirname(file), { recursive: true });
        if (!(await linkOrCopy(this.pathOf(key), file))) return; // deleted since it was listed
        const stat = await fs.stat(file);
        objects.push({ key, size: stat.size, lastModified: stat.mtime });
      });
      objects.sort(byKey);
      return { root, objects, pathOf: (key) => path.join(root, ...key.split('/')), release };
    } catch (error) {
      await release();
      throw error;
    }
  }

  /**
   * Removes the temporary files (`<key>.tmp-<pid>-<random>`) and snapshot folders that a killed writer or reader or
   * a full disk left behind, when their process is gone (a live writer's temporary file is about to be renamed into
   * place). Returns the paths removed, relative to the lake, so the command can say what it cleaned.
   */
  async removeAbandonedTemporaryFiles(): Promise<string[]> {
    const removed: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        const pid = new RegExp(`${TEMP_MARKER.replace('.', '\\.')}(\\d+)-[0-9a-f]+$`).exec(entry.name)?.[1];
        if (pid === undefined) {
          if (entry.isDirectory()) await walk(full);
          continue;
        }
        if (processIsAlive(Number(pid))) continue;
        await fs.rm(full, { recursive: true, force: true });
        removed.push(path.relative(this.root, full).split(path.sep).join('/'));
      }
    };
    await walk(this.root);
    return removed.sort();
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }

  lakeKeyOf(eventKey: string): string | undefined {
    return eventKey;
  }

  onObjectCreated(listener: ObjectCreatedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async writeTemp(target: string, body: Uint8Array | string, durable = true): Promise<string> {
    await fs.mkdir(path.dirname(target), { recursive: true });
    const temp = tempName(target);
    const handle = await fs.open(temp, 'w');
    try {
      await handle.writeFile(body);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    return temp;
  }

  private async created(key: string): Promise<ObjectInfo> {
    const info = await this.head(key);
    if (!info) throw new Error(`object ${key} vanished from ${this.root} right after it was written`);
    const event = objectCreatedEvent(this.bucket, key, info.size);
    for (const listener of this.listeners) listener(event);
    return info;
  }
}

/** Whether a process with this id runs (on this machine): a temporary file or work folder of a gone one is abandoned. */
export function processIsAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function tempName(target: string): string {
  return `${target}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Links `to` to the file at `from` (a copy on a file system without hard links); false when `from` is gone. Linux
 * fails a link with ENOENT when the file found was renamed over in the meantime (its last name went): the name
 * then holds the newer file, and linking again links that one.
 */
async function linkOrCopy(from: string, to: string): Promise<boolean> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await fs.link(from, to);
      return true;
    } catch (error) {
      if (!isMissing(error)) {
        await fs.copyFile(from, to);
        return true;
      }
      if (!(await fs.stat(from).catch(() => undefined))) return false;
      if (attempt === 100) throw error; // replaced a hundred times over while linked: give up rather than spin
    }
  }
}

/** Moves `from` to `to` (same file system), or copies it when they lie on different file systems. */
async function moveOrCopy(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await fs.copyFile(from, to);
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT';
}

/**
 * An object as its file is now. The ETag names this version of the file (inode, time to the nanosecond, size): a
 * file replaced by a rename gets another, even within the same millisecond at the same size.
 */
function objectInfo(key: string, stat: import('node:fs').BigIntStats): ObjectInfo {
  return { key, size: Number(stat.size), lastModified: stat.mtime, eTag: `${stat.ino}-${stat.mtimeNs}-${stat.size}` };
}
