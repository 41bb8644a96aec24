import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { objectCreatedEvent } from './events';
import type { ObjectCreatedListener, ObjectInfo, ObjectStore } from './types';
import { assertValidKey } from './keys';

const TEMP_MARKER = '.tmp-';

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

  async putIfAbsent(key: string, body: Uint8Array | string): Promise<boolean> {
    const target = this.pathOf(key);
    const temp = await this.writeTemp(target, body);
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
      const stat = await fs.stat(this.pathOf(key));
      return stat.isFile() ? { key, size: stat.size, lastModified: stat.mtime } : undefined;
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
    const walk = async (dir: string, keyPrefix: string): Promise<void> => {
      let names: import('node:fs').Dirent[];
      try {
        names = await fs.readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw error;
      }
      for (const entry of names) {
        const key = keyPrefix ? `${keyPrefix}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) await walk(path.join(dir, entry.name), key);
        } else if (entry.isFile() && !entry.name.includes(TEMP_MARKER) && key.startsWith(prefix)) {
          const stat = await fs.stat(path.join(dir, entry.name));
          found.push({ key, size: stat.size, lastModified: stat.mtime });
        }
      }
    };
    await walk(start, folder);
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
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

  private async writeTemp(target: string, body: Uint8Array | string): Promise<string> {
    await fs.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`;
    const handle = await fs.open(temp, 'w');
    try {
      await handle.writeFile(body);
      await handle.sync();
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

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT';
}
