import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import type { AddressInfo } from 'node:net';
import { removeDir, tempDir } from '../support/lake';

// s3rver ships no type declarations; this is the part of its API the tests use.
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  resetOnClose?: boolean;
}) => S3rverInstance;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as S3rverConstructor;

/** An S3-compatible server on 127.0.0.1 with a random port, storing into a temp folder. */
export interface LocalS3 {
  endpoint: string;
  client: S3Client;
  createBucket(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Credentials s3rver accepts (it checks signatures against these fixed test keys). */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export async function startS3rver(): Promise<LocalS3> {
  const directory = tempDir('s3rver');
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, resetOnClose: true });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  return {
    endpoint,
    client,
    async createBucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    async close() {
      client.destroy();
      await server.close();
      removeDir(directory);
    },
  };
}
