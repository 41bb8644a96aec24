import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildDemoCatalog } from '../../src/demo/catalog';
import { demoSourceOptions, startSpotifyServer, type SpotifyServer } from '../../src/demo/spotify-server';
import { handleExtract } from '../../src/extract';
import { extractPolicy, transformPolicy, type PolicyDocument } from '../../src/aws/policies';
import { DuckDb } from '../../src/query';
import { FsStore, objectCreatedEvent, rawCsvKey, type ObjectCreatedListener, type ObjectInfo, type ObjectStore } from '../../src/store';
import { handleTransform } from '../../src/transform';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';

/** What the handlers ask of S3, as the IAM actions it takes. */
interface S3Request {
  action: 's3:GetObject' | 's3:PutObject' | 's3:DeleteObject' | 's3:ListBucket';
  /** Object key, or for ListBucket the listed prefix. */
  key: string;
}

/** An ObjectStore that records every request before passing it on (S3 answers a read of a missing key with 403 unless ListBucket is allowed). */
class RecordingStore implements ObjectStore {
  readonly requests: S3Request[] = [];
  constructor(private readonly inner: ObjectStore) {}
  get bucket() { return this.inner.bucket; }
  get location() { return this.inner.location; }
  private record(action: S3Request['action'], key: string) { this.requests.push({ action, key }); }
  async put(key: string, body: Uint8Array | string): Promise<ObjectInfo> { this.record('s3:PutObject', key); return this.inner.put(key, body); }
  async putIfAbsent(key: string, body: Uint8Array | string): Promise<boolean> {
    this.record('s3:GetObject', key);
    if (!(await this.inner.head(key))) this.record('s3:ListBucket', key);
    this.record('s3:PutObject', key);
    return this.inner.putIfAbsent(key, body);
  }
  async get(key: string) { this.record('s3:GetObject', key); const body = await this.inner.get(key); if (!body) this.record('s3:ListBucket', key); return body; }
  async head(key: string) { this.record('s3:GetObject', key); const info = await this.inner.head(key); if (!info) this.record('s3:ListBucket', key); return info; }
  async list(prefix: string) { this.record('s3:ListBucket', prefix); return this.inner.list(prefix); }
  async delete(key: string) { this.record('s3:DeleteObject', key); return this.inner.delete(key); }
  lakeKeyOf(eventKey: string) { return this.inner.lakeKeyOf(eventKey); }
  onObjectCreated(listener: ObjectCreatedListener) { return this.inner.onObjectCreated(listener); }
}

const LAKE_ARN = 'arn:aws:s3:::chartlake-test-lake';

function like(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(value);
}

/** True when an Allow statement of the policy grants the request (actions, resources and the s3:prefix condition). */
function allowed(policy: PolicyDocument, request: S3Request): boolean {
  return policy.Statement.some((statement) => {
    if (statement.Effect !== 'Allow' || !statement.Action.includes(request.action)) return false;
    if (request.action === 's3:ListBucket') {
      const prefixes = statement.Condition?.StringLike?.['s3:prefix'];
      const patterns = prefixes === undefined ? ['*'] : ([] as string[]).concat(prefixes);
      return statement.Resource.includes(LAKE_ARN) && patterns.some((pattern) => like(pattern, request.key));
    }
    return statement.Resource.some((resource) => like(resource, `${LAKE_ARN}/${request.key}`));
  });
}

function denied(policy: PolicyDocument, requests: S3Request[]): string[] {
  const unique = [...new Map(requests.map((request) => [`${request.action} ${request.key}`, request])).values()];
  return unique.filter((request) => !allowed(policy, request)).map((request) => `${request.action} ${request.key}`);
}

describe('the Lambdas\' IAM policies cover every S3 request the handlers make', function () {
  const arns = { lakeArn: LAKE_ARN, logGroupArn: 'arn:aws:logs:eu-west-1:1:log-group:x', deadLetterArn: 'arn:aws:sqs:eu-west-1:1:q', crawlerArn: 'arn:aws:glue:eu-west-1:1:crawler/c' };
  let dir: string;
  let server: SpotifyServer;
  let duck: DuckDb;
  before(async () => {
    server = await startSpotifyServer({ catalog: buildDemoCatalog({ weeks: 2, chartSize: 50 }) });
    duck = await DuckDb.open();
  });
  after(async () => {
    await server?.close();
    duck?.close();
  });
  beforeEach(() => (dir = tempDir('policy')));
  afterEach(() => removeDir(dir));

  it('extract (twice: a fresh cache, then a warm one) needs nothing outside extractPolicy', async () => {
    const store = new RecordingStore(new FsStore(dir));
    const options = demoSourceOptions(server.url);
    for (const week of buildDemoCatalog({ weeks: 2, chartSize: 50 }).weeks) await handleExtract({ chart: 'regional-global-weekly', week }, { store, options });
    expect(store.requests.length).to.be.greaterThan(3);
    expect(denied(extractPolicy(arns), store.requests)).to.deep.equal([]);
  });

  it('transform of an extracted week, a CSV week and a refused week needs nothing outside transformPolicy', async function () {
    requireShared(this);
    const fs = new FsStore(dir);
    const extracted = await handleExtract({ chart: 'regional-global-weekly', week: buildDemoCatalog({ weeks: 1, chartSize: 50 }).weeks[0] }, { store: fs, options: demoSourceOptions(server.url) });
    const csvKey = rawCsvKey({ chart: 'regional-us-weekly', week: '2023-03-02' }, 'regional-us-weekly-2023-03-02.csv');
    await fs.put(csvKey, readFileSync(path.join(US_2023, 'regional-us-weekly-2023-03-02.csv')));
    const badKey = rawCsvKey({ chart: 'regional-us-weekly', week: '2023-03-09' }, 'regional-us-weekly-2023-03-09.csv');
    await fs.put(badKey, readFileSync(path.join(US_2023, 'regional-us-weekly-2023-03-09.csv'), 'utf8').replace(/\r\n5,/, '\r\nfive,'));

    const store = new RecordingStore(fs);
    for (const key of [extracted.rawKey, csvKey]) await handleTransform(objectCreatedEvent(store.bucket, key, 1), { store, duck });
    await handleTransform(objectCreatedEvent(store.bucket, badKey, 1), { store, duck }).then(
      () => expect.fail('the broken week should be refused'),
      (error: Error) => expect(error.message).to.contain('refused'),
    );
    expect(store.requests.some((r) => r.key.startsWith('quarantine/'))).to.equal(true);
    expect(denied(transformPolicy(arns), store.requests)).to.deep.equal([]);
  });
});
