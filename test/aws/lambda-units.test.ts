import { expect } from 'chai';
import { BatchCreatePartitionCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { cachedUnlessRejected } from '../../src/aws/lambda/environment';
import { CachedSecret } from '../../src/aws/lambda/secret';
import { lockWaitMs, transformBatch, type SqsEvent } from '../../src/aws/lambda/transform';
import { DEFAULT_SCHEDULE, readStackConfig, type ConfigReader } from '../../src/aws';
import { parse as parseYaml } from 'yaml';
import { memoryLogger } from '../../src/log';
import { DuckDb } from '../../src/query';
import { nextFire, parseCron } from '../../src/schedule';
import { eventKeys, FsStore, objectCreatedEvent, rawCsvKey, tableFileKey, type S3Event } from '../../src/store';
import { handleTransform } from '../../src/transform';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';

/** A stack config as `pulumi config` would hold it. */
function configOf(values: Record<string, string>): ConfigReader {
  const reader = {
    get: (key: string) => values[key],
    getNumber: (key: string) => (values[key] === undefined ? undefined : Number(values[key])),
    getObject: (key: string) => (values[key] === undefined ? undefined : JSON.parse(values[key])),
    getSecret: (key: string) => (values[key] === undefined ? undefined : values[key]),
  };
  return reader as unknown as ConfigReader;
}

describe('stack config', () => {
  it('refuses a spotifyChartsToken (it lasts about an hour) with what to do instead', () => {
    expect(() => readStackConfig(configOf({ spotifyChartsToken: 'eyJ-session-token' }))).to.throw(
      /chartlake:spotifyChartsToken.*lasts about an hour.*pulumi config rm spotifyChartsToken.*chartlake import/,
    );
  });

  it('Pulumi.dev.yaml shows every chartlake setting with its default', () => {
    const yaml = parseYaml(readFileSync(path.resolve(__dirname, '../../Pulumi.dev.yaml'), 'utf8')) as { config: Record<string, unknown> };
    const shown = Object.fromEntries(Object.entries(yaml.config).filter(([key]) => key.startsWith('chartlake:')).map(([key, value]) => [key.slice(10), value]));
    const defaults = readStackConfig(configOf({})) as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(shown)) expect(value, key).to.deep.equal(defaults[key]);
    const optional = ['spotifyClientId', 'spotifyClientSecret', 'alarmEmail', 'tags'];
    expect(Object.keys(defaults).filter((key) => !(key in shown) && !optional.includes(key))).to.deep.equal([]);
  });

  it('pins arm64 by default and refuses an unknown architecture', () => {
    expect(readStackConfig(configOf({})).lambdaArchitecture).to.equal('arm64');
    expect(() => readStackConfig(configOf({ lambdaArchitecture: 'x64' }))).to.throw(/lambdaArchitecture is "x64"; expected arm64 or x86_64/);
  });

  it('the default schedule runs from Friday to Tuesday every 3 hours, past Spotify\'s usual publication delays', () => {
    const schedule = parseCron(DEFAULT_SCHEDULE);
    const fires: string[] = [];
    for (let at = new Date('2026-11-19T23:59:00Z'); fires.length < 40; ) {
      at = nextFire(schedule, at)!;
      fires.push(at.toISOString());
    }
    // Friday 00:00 .. Tuesday 21:00: 5 days x 8 runs (34 of them from Friday 18:00 on); then the following Friday.
    expect(fires[0]).to.equal('2026-11-20T00:00:00.000Z');
    expect(fires.filter((f) => f >= '2026-11-20T18:00' && f < '2026-11-25')).to.have.length(34);
    expect(fires[39]).to.equal('2026-11-24T21:00:00.000Z');
    expect(nextFire(schedule, new Date(fires[39]))!.toISOString()).to.equal('2026-11-27T00:00:00.000Z');
  });
});

describe('the Spotify client secret from Secrets Manager', () => {
  let secrets: AwsClientStub<SecretsManagerClient>;
  before(() => (secrets = mockClient(SecretsManagerClient)));
  after(() => secrets.restore());
  beforeEach(() => secrets.reset());
  const client = () => new SecretsManagerClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });

  it('is read once per container, re-read after its TTL or when invalidated (rotation without a redeploy)', async () => {
    secrets.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'secret-one' }).resolves({ SecretString: 'secret-two' });
    let now = 0;
    const secret = new CachedSecret(client(), 'arn:aws:secretsmanager:eu-west-1:1:secret:s', 60_000, () => now);
    expect(await secret.get()).to.equal('secret-one');
    now = 59_000;
    expect(await secret.get()).to.equal('secret-one');
    expect(secrets.commandCalls(GetSecretValueCommand)).to.have.length(1);
    now = 60_000;
    expect(await secret.get()).to.equal('secret-two');
    secret.invalidate();
    await secret.get();
    expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).to.deep.equal(
      Array(3).fill({ SecretId: 'arn:aws:secretsmanager:eu-west-1:1:secret:s' }),
    );
  });
});

describe('transform Lambda helpers', () => {
  it('a rejected open is not cached for the container\'s life: the next call tries again', async () => {
    let attempts = 0;
    const open = cachedUnlessRejected(async () => {
      attempts++;
      if (attempts === 1) throw new Error('Out of memory: cannot open');
      return `duck ${attempts}`;
    });
    expect(await open().catch((e: Error) => e.message)).to.equal('Out of memory: cannot open');
    expect(await open()).to.equal('duck 2');
    expect(await open()).to.equal('duck 2');
    expect(attempts).to.equal(2);
  });

  it('waits for a week lock well inside the time the function has left', () => {
    for (const remaining of [300_000, 900_000, 150_000, 60_000]) {
      const wait = lockWaitMs(remaining);
      expect(wait, String(remaining)).to.be.at.least(0);
      expect(wait + 60_000, String(remaining)).to.be.at.most(Math.max(remaining, 60_000));
    }
    expect(lockWaitMs(300_000)).to.equal(100_000);
  });
});

describe('transformBatch: one SQS batch, one handleTransform, partial failures (folder lake, mocked Glue)', function () {
  let dir: string;
  let duck: DuckDb;
  let glue: AwsClientStub<GlueClient>;
  const context = { getRemainingTimeInMillis: () => 300_000 };
  const CSVS = ['regional-us-weekly-2023-03-02.csv', 'regional-us-weekly-2023-03-09.csv'];
  before(async function () {
    requireShared(this);
    duck = await DuckDb.open();
    glue = mockClient(GlueClient);
  });
  after(() => {
    duck?.close();
    glue?.restore();
  });
  beforeEach(() => {
    dir = tempDir('batch');
    glue.reset();
  });
  afterEach(() => removeDir(dir));

  async function lakeWithCsvs(store: FsStore, broken = -1): Promise<string[]> {
    const keys: string[] = [];
    for (const [i, file] of CSVS.entries()) {
      const key = rawCsvKey({ chart: 'regional-us-weekly', week: file.slice(-14, -4) }, file);
      const text = readFileSync(path.join(US_2023, file), 'utf8');
      await store.put(key, i === broken ? text.replace(/\r\n5,/, '\r\nfive,') : text);
      keys.push(key);
    }
    return keys;
  }
  const sqs = (bodies: string[]): SqsEvent => ({ Records: bodies.map((body, i) => ({ messageId: `m${i}`, body })) });
  const s3Body = (store: FsStore, key: string) => JSON.stringify(objectCreatedEvent(store.bucket, key, 1));

  it('builds ONE S3 event of every object of the batch (each once), calls handleTransform once, registers the partitions written', async () => {
    const store = new FsStore(dir);
    const keys = await lakeWithCsvs(store);
    // The tables' partition keys as the crawler names them from the lake's folders (chart=/year=).
    const partitionNames = [...tableFileKey('chart_entries', { chart: 'regional-us-weekly', year: 2023 }).matchAll(/([a-z_]+)=/g)].map((m) => ({ Name: m[1] }));
    glue.on(GetTableCommand).callsFake((input: { Name: string }) => ({
      Table: { Name: input.Name, PartitionKeys: input.Name === 'songs' ? [] : partitionNames, StorageDescriptor: { Location: `s3://b/transformed/${input.Name}/` } },
    }));
    glue.on(BatchCreatePartitionCommand).resolves({});
    const calls: S3Event[] = [];
    const log = memoryLogger();
    const testEvent = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'b' });
    // keys[1] delivered twice (S3 delivers at least once): transformed once.
    const result = await transformBatch(sqs([s3Body(store, keys[0]), s3Body(store, keys[1]), testEvent, s3Body(store, keys[1])]), context, {
      store,
      duck: async () => duck,
      workDir: dir,
      log,
      glue: { client: new GlueClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }), database: 'db', crawler: 'c' },
      transform: (event, ctx) => {
        calls.push(event);
        return handleTransform(event, ctx);
      },
    }).catch((e: Error) => e);
    expect(result).not.to.be.instanceOf(Error);
    const batch = result as Awaited<ReturnType<typeof transformBatch>>;
    expect(calls).to.have.length(1);
    expect(eventKeys(calls[0])).to.deep.equal(keys);
    expect(batch.batchItemFailures, log.lines.join('\n')).to.deep.equal([]);
    expect(batch.written.length).to.be.above(0);
    expect(glue.commandCalls(BatchCreatePartitionCommand).length).to.be.above(0);
  });

  it('reports only the messages to retry: an unreadable message, and none for a raw object the quality gates refused', async () => {
    const store = new FsStore(dir);
    const keys = await lakeWithCsvs(store, 0);
    const result = await transformBatch(sqs([s3Body(store, keys[0]), 'not json', s3Body(store, keys[1])]), context, { store, duck: async () => duck, workDir: dir, log: memoryLogger() });
    expect(result.rejected.map((r) => r.rawKey)).to.deep.equal([keys[0]]);
    // Only the unreadable message is retried: the refused object is quarantined, the other one transformed.
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).to.deep.equal(['m1']);
    expect(result.written.some((key) => key.startsWith('transformed/chart_entries/chart=regional-us-weekly/year=2023/'))).to.equal(true);
  });

  it('any other failure returns every message of the batch to the queue', async () => {
    const store = new FsStore(dir);
    const keys = await lakeWithCsvs(store);
    const result = await transformBatch(sqs([s3Body(store, keys[0]), s3Body(store, keys[1])]), context, {
      store,
      duck: async () => {
        throw new Error('cannot open DuckDB');
      },
      workDir: dir,
      log: memoryLogger(),
    });
    expect(result.batchItemFailures).to.deep.equal([{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }]);
  });
});
