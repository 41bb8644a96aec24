import type { S3Client } from '@aws-sdk/client-s3';
import { objectCreatedEvent } from './events';
import { assertValidKey, byKey } from './keys';
import { promises as fs } from 'node:fs';
import { assertDistinctKeys, inPool, type ObjectCreatedListener, type ObjectInfo, type ObjectStore, type PutEntry, type PutIfAbsentOptions } from './types';

/** The AWS SDK loads when an S3 lake is opened: folder lakes (and `chartlake --help`) never pay for it. */
const sdk = () => require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');

/** PUTs in flight at once in `putMany` (the SDK's default agent keeps 50 sockets). */
const PUT_CONCURRENCY = 16;

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket (no leading or trailing slash), '' for the bucket root. */
  prefix?: string;
  client?: S3Client;
  /** S3-compatible endpoint (s3rver, MinIO); path-style addressing is used with it. */
  endpoint?: string;
  region?: string;
}

/** The lake in an S3 bucket (or any S3-compatible endpoint). A put is one PUT: readers see all of it or none. */
export class S3Store implements ObjectStore {
  readonly bucket: string;
  readonly prefix: string;
  readonly client: S3Client;
  private readonly listeners = new Set<ObjectCreatedListener>();

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.client =
      options.client ??
      new (sdk().S3Client)({
        region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
        ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      });
  }

  /** Parses `s3://bucket/prefix`. */
  static fromUrl(url: string, options: Omit<S3StoreOptions, 'bucket' | 'prefix'> = {}): S3Store {
    const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
    if (!match) throw new Error(`not an S3 lake URL: ${url} (expected s3://bucket/prefix)`);
    return new S3Store({ ...options, bucket: match[1], prefix: match[2] });
  }

  get location(): string {
    return `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
  }

  private objectKey(key: string): string {
    assertValidKey(key);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  private lakeKey(objectKey: string): string {
    return this.prefix ? objectKey.slice(this.prefix.length + 1) : objectKey;
  }

  async put(key: string, body: Uint8Array | string): Promise<ObjectInfo> {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    const result = await this.client.send(
      new (sdk().PutObjectCommand)({ Bucket: this.bucket, Key: this.objectKey(key), Body: bytes }),
    );
    this.emit(key, bytes.byteLength, result.ETag);
    return { key, size: bytes.byteLength, lastModified: new Date() };
  }

  /** One PUT per object, `PUT_CONCURRENCY` at a time; the events follow in the order of `entries`. */
  async putMany(entries: PutEntry[]): Promise<ObjectInfo[]> {
    assertDistinctKeys(entries);
    const done: { size: number; eTag: string | undefined }[] = new Array(entries.length);
    await inPool(entries.map((entry, index) => ({ entry, index })), PUT_CONCURRENCY, async ({ entry, index }) => {
      const bytes = 'body' in entry ? (typeof entry.body === 'string' ? Buffer.from(entry.body) : entry.body) : await fs.readFile(entry.file);
      const result = await this.client.send(new (sdk().PutObjectCommand)({ Bucket: this.bucket, Key: this.objectKey(entry.key), Body: bytes }));
      done[index] = { size: bytes.byteLength, eTag: result.ETag };
    });
    const now = new Date();
    return entries.map((entry, index) => {
      this.emit(entry.key, done[index].size, done[index].eTag);
      return { key: entry.key, size: done[index].size, lastModified: now };
    });
  }

  /** Every S3 write is durable; `options.durable` changes nothing here. */
  async putIfAbsent(key: string, body: Uint8Array | string, _options?: PutIfAbsentOptions): Promise<boolean> {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    // The conditional PUT below is the atomic guard on S3 (If-None-Match: *, since 2024) and MinIO. Some
    // S3-compatible servers (s3rver) ignore the header and would overwrite; asking HEAD first makes them refuse
    // an existing key too (with a race window only on those servers). On S3 it merely saves a PUT.
    if (await this.head(key)) return false;
    try {
      // S3 conditional write: fails with 412 (409 on a concurrent conditional write) when the key exists.
      const result = await this.client.send(
        new (sdk().PutObjectCommand)({ Bucket: this.bucket, Key: this.objectKey(key), Body: bytes, IfNoneMatch: '*' }),
      );
      this.emit(key, bytes.byteLength, result.ETag);
      return true;
    } catch (error) {
      if (httpStatus(error) === 412 || httpStatus(error) === 409) return false;
      throw error;
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const result = await this.client.send(new (sdk().GetObjectCommand)({ Bucket: this.bucket, Key: this.objectKey(key) }));
      if (!result.Body) return Buffer.alloc(0);
      return Buffer.from(await result.Body.transformToByteArray());
    } catch (error) {
      if (httpStatus(error) === 404) return undefined;
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const result = await this.client.send(new (sdk().HeadObjectCommand)({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return { key, size: result.ContentLength ?? 0, lastModified: result.LastModified ?? new Date(0) };
    } catch (error) {
      if (httpStatus(error) === 404) return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const found: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new (sdk().ListObjectsV2Command)({
          Bucket: this.bucket,
          Prefix: this.prefix ? `${this.prefix}/${prefix}` : prefix,
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        found.push({ key: this.lakeKey(object.Key), size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0), ...(object.ETag ? { eTag: object.ETag } : {}) });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found.sort(byKey);
  }

  /**
   * Deletes the object if there is one. In a versioned bucket a DELETE of a key that does not exist still writes a
   * delete marker (clearing a quarantine report that was never written would leave one per transform): HEAD first.
   */
  async delete(key: string): Promise<void> {
    // A delete of nothing on a versioned bucket still leaves a delete marker: only delete what exists.
    if (!(await this.head(key))) return;
    await this.client.send(new (sdk().DeleteObjectCommand)({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  lakeKeyOf(eventKey: string): string | undefined {
    if (!this.prefix) return eventKey;
    return eventKey.startsWith(`${this.prefix}/`) ? this.lakeKey(eventKey) : undefined;
  }

  onObjectCreated(listener: ObjectCreatedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(key: string, size: number, eTag: string | undefined): void {
    if (this.listeners.size === 0) return;
    const event = objectCreatedEvent(this.bucket, this.objectKey(key), size, eTag?.replace(/"/g, ''));
    for (const listener of this.listeners) listener(event);
  }
}

function httpStatus(error: unknown): number | undefined {
  if (error instanceof sdk().S3ServiceException) return error.$metadata.httpStatusCode;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return metadata?.httpStatusCode;
}
