import { FsStore } from './fs-store';
import { S3Store } from './s3-store';
import type { ObjectStore } from './types';

/** Opens the lake a `--lake` value names: a folder, or `s3://bucket/prefix` (endpoint from `CHARTLAKE_S3_ENDPOINT`). */
export function openStore(lake: string): ObjectStore {
  if (lake.startsWith('s3://')) {
    return S3Store.fromUrl(lake, { endpoint: process.env.CHARTLAKE_S3_ENDPOINT || undefined });
  }
  return new FsStore(lake);
}
