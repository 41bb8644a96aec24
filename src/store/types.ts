import type { S3Event } from './events';

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
  /** The S3 ETag where the store has one: it changes with the content, even within the second of `lastModified`. */
  eTag?: string;
}

export type ObjectCreatedListener = (event: S3Event) => void;

/**
 * One object of a bulk write: its bytes, or a local file that holds them. A file is handed over to the store:
 * a folder lake may move it into place (the caller must not use it afterwards; it removes its folder as usual).
 */
export interface PutIfAbsentOptions {
  /**
   * `false`: the object need not survive a power loss, so a folder lake does not flush it to disk (a lock: its
   * meaning ends with the process that holds it; one left empty or unreadable by a power loss counts as abandoned).
   * It is still written whole or not at all. Default true.
   */
  durable?: boolean;
}

export type PutEntry = { key: string; body: Uint8Array | string } | { key: string; file: string };

/**
 * The one interface through which lake data is read and written. Keys are identical on disk and in S3
 * (see DESIGN.md, "Lake layout").
 */
export interface ObjectStore {
  /** Bucket name used in event records (`local` for a folder lake). */
  readonly bucket: string;
  /** Human-readable location, e.g. `/home/me/lake` or `s3://bucket/prefix`. */
  readonly location: string;
  /**
   * Writes the whole object atomically (readers see the old object or the new one, never a part),
   * then emits an object-created event to the listeners.
   */
  put(key: string, body: Uint8Array | string): Promise<ObjectInfo>;
  /**
   * Writes many objects, each as `put` does (atomic, one object-created event each, in the order given), and
   * resolves when all are written. No order of visibility among them: a caller that needs one object after
   * others (lineage after its partitions) calls `putMany` twice. A failure may leave some of them written.
   * Cheaper than one `put` each: a folder lake flushes the whole batch to disk once, S3 PUTs in parallel.
   * Optional, so wrappers need not implement it: call `putAll`, which falls back to `put`.
   */
  putMany?(entries: PutEntry[]): Promise<ObjectInfo[]>;
  /** Writes only when no object has the key; returns false when one exists (used for locks). */
  putIfAbsent(key: string, body: Uint8Array | string, options?: PutIfAbsentOptions): Promise<boolean>;
  /** The object's bytes, or `undefined` when there is none. */
  get(key: string): Promise<Buffer | undefined>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  delete(key: string): Promise<void>;
  /**
   * The lake key an event record names (decoded), or `undefined` when the object lies outside this lake
   * (another prefix of the same bucket).
   */
  lakeKeyOf(eventKey: string): string | undefined;
  /** Subscribes to object-created events; returns the unsubscribe function. */
  onObjectCreated(listener: ObjectCreatedListener): () => void;
}

export class ObjectNotFoundError extends Error {
  constructor(
    readonly location: string,
    readonly key: string,
  ) {
    super(`no object ${key} in ${location}`);
    this.name = 'ObjectNotFoundError';
  }
}

/** Bulk `put`: the store's `putMany`, or one `put` per entry in order for a store without one (a wrapper). */
export async function putAll(store: ObjectStore, entries: PutEntry[]): Promise<ObjectInfo[]> {
  if (store.putMany) return store.putMany(entries);
  const { readFile } = await import('node:fs/promises');
  const infos: ObjectInfo[] = [];
  for (const entry of entries) infos.push(await store.put(entry.key, 'body' in entry ? entry.body : await readFile(entry.file)));
  return infos;
}

/** `putMany` names each key once (two writes of one key in one batch would have no defined winner). */
export function assertDistinctKeys(entries: readonly PutEntry[]): void {
  const seen = new Set<string>();
  for (const { key } of entries) {
    if (seen.has(key)) throw new Error(`putMany: the key ${key} is named twice`);
    seen.add(key);
  }
}

/**
 * Runs `work` over `items` in order, with at most `concurrency` at once. After a failure no item is started; the
 * first error is thrown once the items running have finished, so nothing is left running unobserved.
 */
export async function inPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length && !failure) {
        try {
          await work(items[next++]);
        } catch (error) {
          failure ??= { error };
        }
      }
    }),
  );
  if (failure) throw failure.error;
}

/** `get` that fails with a clear message when the object is missing. */
export async function getRequired(store: ObjectStore, key: string): Promise<Buffer> {
  const body = await store.get(key);
  if (body === undefined) throw new ObjectNotFoundError(store.location, key);
  return body;
}
