import { expect } from 'chai';
import { HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { S3Store } from '../../src/store';
import { startS3rver, type LocalS3 } from '../aws/s3rver';
import { storeContract } from './store-contract';

describe('S3Store on s3rver', () => {
  let s3: LocalS3;
  let bucketNumber = 0;
  before(async () => {
    s3 = await startS3rver();
  });
  after(async () => {
    await s3?.close();
  });

  // A fresh bucket per test, so each contract test starts from an empty lake.
  storeContract(
    async () => {
      const bucket = `lake-${++bucketNumber}`;
      await s3.createBucket(bucket);
      return new S3Store({ bucket, client: s3.client });
    },
    async () => {},
  );

  describe('with a key prefix', () => {
    storeContract(
      async () => {
        const bucket = `prefixed-${++bucketNumber}`;
        await s3.createBucket(bucket);
        return new S3Store({ bucket, prefix: 'team/lake', client: s3.client });
      },
      async () => {},
    );
  });

  it('keeps a prefixed lake apart from the rest of the bucket', async () => {
    const bucket = `shared-${++bucketNumber}`;
    await s3.createBucket(bucket);
    const lake = new S3Store({ bucket, prefix: 'lake', client: s3.client });
    const root = new S3Store({ bucket, client: s3.client });
    await root.put('raw/outside.json', '{}');
    await lake.put('raw/inside.json', '{}');
    expect((await lake.list('raw/')).map((o) => o.key)).to.deep.equal(['raw/inside.json']);
    expect((await root.list('')).map((o) => o.key)).to.deep.equal(['lake/raw/inside.json', 'raw/outside.json']);
    expect(lake.lakeKeyOf('raw/outside.json')).to.equal(undefined);
    expect(lake.location).to.equal(`s3://${bucket}/lake`);
  });

  it('putIfAbsent asks S3 for a conditional write (If-None-Match: *) and reads 412 as "already there"', async () => {
    const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const mock = mockClient(client);
    const status = (code: number, name: string) =>
      new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: code }, message: name });
    mock.on(HeadObjectCommand).rejects(status(404, 'NotFound'));
    mock.on(PutObjectCommand).rejects(status(412, 'PreconditionFailed'));
    const store = new S3Store({ bucket: 'b', client });
    // HEAD says absent (another writer is racing us); the conditional PUT loses the race and must say false.
    expect(await store.putIfAbsent('locks/x.lock', 'me')).to.equal(false);
    const put = mock.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(put.IfNoneMatch).to.equal('*');
    expect(put.Key).to.equal('locks/x.lock');
    mock.restore();
  });
});
