import type { S3Event } from './events';

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
}

export type ObjectCreatedListener = (event: S3Event) => void;

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
  /** Writes only when no object has the key; returns false when one exists (used for locks). */
  putIfAbsent(key: string, body: Uint8Array | string): Promise<boolean>;
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

/** `get` that fails with a clear message when the object is missing. */
export async function getRequired(store: ObjectStore, key: string): Promise<Buffer> {
  const body = await store.get(key);
  if (body === undefined) throw new ObjectNotFoundError(store.location, key);
  return body;
}
