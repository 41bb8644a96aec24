import { expect } from 'chai';
import { S3Client } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildDemoCatalog } from '../../src/demo/catalog';
import { demoSourceOptions, startSpotifyServer, type SpotifyServer } from '../../src/demo/spotify-server';
import { dueChartWeek, handleExtract } from '../../src/extract';
import { extractPolicy, transformPolicy, type PolicyDocument } from '../../src/aws';
import { DuckDb } from '../../src/query';
import { objectCreatedEvent, rawCsvKey, S3Store } from '../../src/store';
import { handleTransform } from '../../src/transform';
import { requireShared, US_2023 } from '../support/lake';
import { startS3rver, S3RVER_CREDENTIALS, type LocalS3 } from './s3rver';

/** An S3 request as IAM authorizes it. */
interface S3Request {
  action: 's3:GetObject' | 's3:PutObject' | 's3:DeleteObject' | 's3:ListBucket';
  /** Object key, or for ListBucket the listed prefix. */
  key: string;
}

/**
 * An S3 client (for s3rver) that records every command the real `S3Store` sends, as the IAM action it needs: HEAD
 * and GET need s3:GetObject, and when the key is missing S3 answers 403 instead of 404 unless s3:ListBucket is
 * allowed on that prefix, so a 404 also records a ListBucket.
 */
function recordingClient(s3: LocalS3, requests: S3Request[]): S3Client {
  const client = new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: string; Prefix?: string };
      const command = context.commandName as string;
      const action = ({
        PutObjectCommand: 's3:PutObject',
        GetObjectCommand: 's3:GetObject',
        HeadObjectCommand: 's3:GetObject',
        DeleteObjectCommand: 's3:DeleteObject',
        ListObjectsV2Command: 's3:ListBucket',
      } as const)[command];
      if (!action) throw new Error(`the policy test does not know the IAM action of ${command}`);
      requests.push({ action, key: action === 's3:ListBucket' ? (input.Prefix ?? '') : (input.Key ?? '') });
      try {
        return await next(args);
      } catch (error) {
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) requests.push({ action: 's3:ListBucket', key: input.Key ?? '' });
        throw error;
      }
    },
    { step: 'initialize', name: 'recordIamActions' },
  );
  return client;
}

const BUCKET = 'chartlake-test-lake';
const LAKE_ARN = `arn:aws:s3:::${BUCKET}`;

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

describe('the Lambdas\' IAM policies cover every S3 request the handlers make (real S3Store commands against s3rver)', function () {
  const arns = {
    lakeArn: LAKE_ARN,
    logGroupArn: 'arn:aws:logs:eu-west-1:1:log-group:x',
    deadLetterArn: 'arn:aws:sqs:eu-west-1:1:q',
    queueArn: 'arn:aws:sqs:eu-west-1:1:raw-created',
    crawlerArn: 'arn:aws:glue:eu-west-1:1:crawler/c',
    region: 'eu-west-1',
    account: '1',
    database: 'db',
  };
  let server: SpotifyServer;
  let duck: DuckDb;
  let s3: LocalS3;
  let requests: S3Request[];
  let store: S3Store;
  const week = dueChartWeek(new Date());
  before(async () => {
    server = await startSpotifyServer({ catalog: buildDemoCatalog({ weeks: 2, chartSize: 50, endWeek: week }) });
    duck = await DuckDb.open();
  });
  after(async () => {
    await server?.close();
    duck?.close();
  });
  beforeEach(async () => {
    s3 = await startS3rver();
    await s3.createBucket(BUCKET);
    requests = [];
    store = new S3Store({ bucket: BUCKET, client: recordingClient(s3, requests) });
  });
  afterEach(async () => {
    store?.client.destroy();
    await s3?.close();
  });

  it('extract (the due week twice: fetched under its lock, then skipped; and a given week) needs nothing outside extractPolicy', async () => {
    const options = demoSourceOptions(server.url);
    const first = await handleExtract({ chart: 'regional-global-weekly' }, { store, options, dueWeek: true });
    const again = await handleExtract({ chart: 'regional-global-weekly' }, { store, options, dueWeek: true });
    expect([first.skipped, again.skipped]).to.deep.equal([false, true]);
    await handleExtract({ chart: 'regional-global-weekly', week: buildDemoCatalog({ weeks: 2, chartSize: 50, endWeek: week }).weeks[0] }, { store, options });
    expect(requests.some((r) => r.key.startsWith('locks/'))).to.equal(true);
    expect(requests.some((r) => r.key.startsWith('cache/'))).to.equal(true);
    expect(denied(extractPolicy(arns), requests)).to.deep.equal([]);
  });

  it('transform of an extracted week, a CSV week and a refused week needs nothing outside transformPolicy', async function () {
    requireShared(this);
    const extracted = await handleExtract({ chart: 'regional-global-weekly' }, { store, options: demoSourceOptions(server.url), dueWeek: true });
    const csvKey = rawCsvKey({ chart: 'regional-us-weekly', week: '2023-03-02' }, 'regional-us-weekly-2023-03-02.csv');
    await store.put(csvKey, readFileSync(path.join(US_2023, 'regional-us-weekly-2023-03-02.csv')));
    const badKey = rawCsvKey({ chart: 'regional-us-weekly', week: '2023-03-09' }, 'regional-us-weekly-2023-03-09.csv');
    await store.put(badKey, readFileSync(path.join(US_2023, 'regional-us-weekly-2023-03-09.csv'), 'utf8').replace(/\r\n5,/, '\r\nfive,'));

    requests.length = 0;
    for (const key of [extracted.rawKey, csvKey]) await handleTransform(objectCreatedEvent(BUCKET, key, 1), { store, duck });
    const refused = await handleTransform(objectCreatedEvent(BUCKET, badKey, 1), { store, duck });
    expect(refused.refused.map((error) => error.rawKey), 'the broken week is refused').to.deep.equal([badKey]);
    expect(requests.some((r) => r.key.startsWith('quarantine/'))).to.equal(true);
    expect(requests.some((r) => r.action === 's3:PutObject' && r.key.startsWith('transformed/'))).to.equal(true);
    expect(denied(transformPolicy(arns), requests), JSON.stringify(denied(transformPolicy(arns), requests))).to.deep.equal([]);
  });

  it('a transform that passes never deletes a quarantine report that does not exist (no delete marker in a versioned bucket)', async function () {
    requireShared(this);
    const csvKey = rawCsvKey({ chart: 'regional-us-weekly', week: '2023-03-02' }, 'regional-us-weekly-2023-03-02.csv');
    await store.put(csvKey, readFileSync(path.join(US_2023, 'regional-us-weekly-2023-03-02.csv')));
    requests.length = 0;
    await handleTransform(objectCreatedEvent(BUCKET, csvKey, 1), { store, duck });
    expect(requests.filter((r) => r.action === 's3:DeleteObject' && r.key.startsWith('quarantine/'))).to.deep.equal([]);
  });
});
