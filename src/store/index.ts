export type { ObjectInfo, ObjectStore, ObjectCreatedListener, PutEntry, PutIfAbsentOptions } from './types';
export { ObjectNotFoundError, getRequired, putAll, inPool } from './types';
export type { S3Event, S3EventRecord } from './events';
export { objectCreatedEvent, eventKeys, encodeEventKey, decodeEventKey } from './events';
export { FsStore } from './fs-store';
export { S3Store } from './s3-store';
export type { S3StoreOptions } from './s3-store';
export * from './keys';
export { openStore } from './open';
