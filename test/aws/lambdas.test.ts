import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { duckDbBinding, lambdaPackagePlan, UNZIPPED_LIMIT_BYTES, unzippedSize } from '../../src/aws';
import { silentLogger } from '../../src/log';
import { DuckDb } from '../../src/query';
import { FsStore, objectCreatedEvent, S3Store, tableFileKey, type ObjectStore } from '../../src/store';
import { dueChartWeek, importChartsCsv, overdueAt } from '../../src/extract';
import { handleTransform, TABLES } from '../../src/transform';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';
import { buildDemoCatalog, GLOBAL_WEEKLY_ALIAS } from '../../src/demo/catalog';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startSpotifyServer, type SpotifyServer } from '../../src/demo/spotify-server';
import { startAwsJsonStub } from './aws-json-stub';
import { invokeLambda, lambdaNode, materializeCode, zippedSize } from './lambda-package';
import { startS3rver, S3RVER_CREDENTIALS, type LocalS3 } from './s3rver';
import { HOST_ARCHITECTURE, loadStack, named, TEST_REGION, type LoadedStack } from './stack-harness';

const FUNCTION = 'aws:lambda/function:Function';
const CSVS = ['regional-us-weekly-2023-03-02.csv', 'regional-us-weekly-2023-03-09.csv'];
const REPO = path.resolve(__dirname, '..', '..');
const NEVER_SHIPPED = /@pulumi|typescript|mocha|s3rver|chai|ts-node|vega|playwright|aws-sdk-client-mock|sinon/;

describe('the Lambda packages, invoked as Lambda would', function () {
  let stack: LoadedStack;
  let work: string;
  before(async () => {
    stack = await loadStack();
    work = tempDir('lambda');
    const node = lambdaNode();
    console.log(`      packaged handlers run on ${node.note ?? node.path}`);
  });
  after(() => {
    if (work) removeDir(work);
  });

  it('transform: the compiled handlers, the .sql files, DuckDB with the Linux binding of the function\'s architecture, got and the pinned AWS SDK; no Pulumi, no dev dependency', async () => {
    const fn = named(stack, FUNCTION, '-transform');
    const entries = await materializeCode(fn, path.join(work, 'transform'));
    const binding = `node_modules/@duckdb/node-bindings-linux-${HOST_ARCHITECTURE === 'arm64' ? 'arm64' : 'x64'}`;
    expect(fn.inputs.architectures).to.deep.equal([HOST_ARCHITECTURE]);
    expect(entries).to.include.members(['__index.js', 'dist/lambda', 'node_modules/@duckdb/node-api', 'node_modules/@duckdb/node-bindings', binding, 'node_modules/got']);
    expect(entries).to.include.members(['node_modules/@aws-sdk/client-s3', 'node_modules/@aws-sdk/client-glue']);
    expect(entries.filter((e) => e.startsWith('node_modules/@duckdb/node-bindings-'))).to.deep.equal([binding]);
    for (const entry of entries) expect(entry).not.to.match(NEVER_SHIPPED);
    // The SDK shipped is the one package-lock.json pins, not whatever the runtime bundles.
    const shipped = JSON.parse(readFileSync(path.join(work, 'transform/node_modules/@aws-sdk/client-s3/package.json'), 'utf8')) as { version: string };
    expect(shipped.version).to.equal((JSON.parse(readFileSync(path.join(REPO, 'node_modules/@aws-sdk/client-s3/package.json'), 'utf8')) as { version: string }).version);
    const sql = readFileSync(path.join(work, 'transform', 'dist/lambda/src/transform/sql/gates.sql'), 'utf8');
    expect(sql).to.equal(readFileSync(path.resolve(__dirname, '../../src/transform/sql/gates.sql'), 'utf8'));
    const index = readFileSync(path.join(work, 'transform', '__index.js'), 'utf8');
    expect(index).to.include('"./dist/lambda/src/aws/lambda/transform.js"');
    expect(index.length).to.be.below(1000);
  });

  it('extract: no DuckDB (68 MB it never loads), no vega, no Pulumi; got, the S3 and Secrets Manager clients', async () => {
    const entries = await materializeCode(named(stack, FUNCTION, '-extract'), path.join(work, 'extract'));
    expect(entries).to.include.members(['__index.js', 'dist/lambda', 'node_modules/got', 'node_modules/@aws-sdk/client-s3', 'node_modules/@aws-sdk/client-secrets-manager']);
    for (const entry of entries) expect(entry).not.to.match(/@duckdb/);
    for (const entry of entries) expect(entry).not.to.match(NEVER_SHIPPED);
  });

  describe('built as if on a Mac (npm installed no Linux binding): DuckDB\'s linux-arm64 binding', () => {
    let fakeRoot: string;
    let cacheDir: string;
    const version = (JSON.parse(readFileSync(path.join(REPO, 'node_modules/@duckdb/node-bindings/package.json'), 'utf8')) as { optionalDependencies: Record<string, string> })
      .optionalDependencies['@duckdb/node-bindings-linux-arm64'];
    beforeEach(() => {
      // A checkout whose node_modules holds what npm installs on macOS arm64: the darwin binding only.
      fakeRoot = tempDir('mac-checkout');
      mkdirSync(path.join(fakeRoot, 'node_modules/@duckdb/node-bindings'), { recursive: true });
      writeFileSync(path.join(fakeRoot, 'node_modules/@duckdb/node-bindings/package.json'), readFileSync(path.join(REPO, 'node_modules/@duckdb/node-bindings/package.json')));
      mkdirSync(path.join(fakeRoot, 'node_modules/@duckdb/node-bindings-darwin-arm64'), { recursive: true });
      cacheDir = path.join(fakeRoot, '.lambda-cache');
    });
    afterEach(() => removeDir(fakeRoot));

    /** Stands in for `npm pack`: what the registry's tarball unpacks to. */
    const fetched: string[] = [];
    const fakeRegistry = (name: string, wanted: string, dest: string) => {
      fetched.push(`${name}@${wanted}`);
      writeFileSync(path.join(dest, 'package.json'), JSON.stringify({ name, version: wanted, os: ['linux'], cpu: ['arm64'] }));
      writeFileSync(path.join(dest, 'duckdb.node'), 'ELF aarch64');
    };

    it('is fetched once into the build cache and goes into the transform package at node_modules/@duckdb/node-bindings-linux-arm64', () => {
      fetched.length = 0;
      const dir = duckDbBinding({ root: fakeRoot, architecture: 'arm64', cacheDir, fetch: fakeRegistry });
      expect(fetched).to.deep.equal([`@duckdb/node-bindings-linux-arm64@${version}`]);
      expect(duckDbBinding({ root: fakeRoot, architecture: 'arm64', cacheDir, fetch: fakeRegistry })).to.equal(dir);
      expect(fetched).to.have.length(1);
      // The whole plan, on this checkout's node_modules (which has no linux-arm64 binding unless this is one).
      if (!existsSync(path.join(REPO, 'node_modules/@duckdb/node-bindings-linux-arm64'))) {
        const plan = lambdaPackagePlan(REPO, 'transform', { root: fakeRoot, architecture: 'arm64', cacheDir, fetch: fakeRegistry });
        expect(plan.folders['node_modules/@duckdb/node-bindings-linux-arm64']).to.equal(dir);
        expect(Object.keys(plan.folders).filter((k) => k.startsWith('node_modules/@duckdb/node-bindings-'))).to.deep.equal(['node_modules/@duckdb/node-bindings-linux-arm64']);
      }
    });

    it('when it cannot be fetched, the program stops and says what to run', () => {
      let message = '';
      try {
        duckDbBinding({ root: fakeRoot, architecture: 'arm64', cacheDir, fetch: false });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).to.contain(`needs DuckDB's binding @duckdb/node-bindings-linux-arm64@${version}`);
      expect(message).to.contain(`npm pack @duckdb/node-bindings-linux-arm64@${version}`);
      const offline = (() => {
        try {
          duckDbBinding({ root: fakeRoot, architecture: 'arm64', cacheDir, fetch: () => { throw new Error('npm ERR! network request failed'); } });
          return '';
        } catch (error) {
          return (error as Error).message;
        }
      })();
      expect(offline).to.match(/Fetching it from the npm registry failed \(npm ERR! network request failed\)\. Fetch it with:/);
    });
  });

  it('stay under Lambda\'s limits: 250 MB unzipped, 50 MB zipped for a direct upload', async function () {
    const transform = unzippedSize(REPO, lambdaPackagePlan(REPO, 'transform', { root: REPO, architecture: HOST_ARCHITECTURE }));
    const extract = unzippedSize(REPO, lambdaPackagePlan(REPO, 'extract'));
    const zipped = await zippedSize(path.join(work, 'transform'), path.join(work, 'transform.zip'));
    // Measured (linux-x64): transform 88 MB unzipped (DuckDB 68 MB), 29 MB zipped; extract 11 MB unzipped.
    console.log(`      transform ${(transform / 1e6).toFixed(1)} MB unzipped, ${(zipped / 1e6).toFixed(1)} MB zipped; extract ${(extract / 1e6).toFixed(1)} MB unzipped`);
    expect(transform).to.be.below(UNZIPPED_LIMIT_BYTES);
    expect(extract).to.be.below(transform / 4);
    expect(zipped).to.be.above(5e6);
    expect(zipped).to.be.below(50 * 1024 * 1024);
  });

  describe('transform: an SQS batch of S3 object-created records against s3rver and a Glue stub', () => {
    let s3: LocalS3;
    let glue: Awaited<ReturnType<typeof startAwsJsonStub>>;
    // The tables' partition keys as the crawler names them from the lake's folders.
    const partitionNames = [...tableFileKey('chart_entries', { chart: 'regional-us-weekly', year: 2023 }).matchAll(/([a-z_]+)=/g)].map((m) => ({ Name: m[1], Type: 'string' }));
    before(async function () {
      requireShared(this);
      s3 = await startS3rver();
      glue = await startAwsJsonStub((call) => {
        if (call.target === 'AWSGlue.GetTable') {
          const name = call.body.Name as string;
          return { status: 200, body: { Table: { Name: name, PartitionKeys: name === 'songs' ? [] : partitionNames, StorageDescriptor: { Location: `s3://lake/transformed/${name}/`, Columns: [] } } } };
        }
        if (call.target === 'AWSGlue.BatchCreatePartition') return { status: 200, body: {} };
        return { status: 400, body: { __type: 'InvalidInputException', message: `unexpected ${call.target}` } };
      });
    });
    after(async () => {
      await s3?.close();
      await glue?.close();
    });

    it('transforms the batch in one invocation, registers its partitions in Glue, and writes the same rows as the local pipeline', async () => {
      const fn = named(stack, FUNCTION, '-transform');
      const variables = (fn.inputs.environment as { variables: Record<string, string> }).variables;
      const bucket = variables.CHARTLAKE_LAKE_BUCKET;
      await s3.createBucket(bucket);
      const lake = new S3Store({ bucket, client: s3.client });
      const messages = [];
      for (const [i, file] of CSVS.entries()) {
        const bytes = readFileSync(path.join(US_2023, file));
        const imported = await importChartsCsv(lake, file, bytes);
        messages.push({ messageId: `m${i}`, body: JSON.stringify(objectCreatedEvent(bucket, imported.rawKey, bytes.length)), attributes: {}, eventSource: 'aws:sqs' });
      }
      const tmp = tempDir('lambda-tmp');
      const invocation = await invokeLambda<{ batchItemFailures: unknown[] }>(path.join(work, 'transform'), { Records: messages }, {
        ...variables,
        HOME: tmp,
        CHARTLAKE_TMP: tmp,
        CHARTLAKE_S3_ENDPOINT: s3.endpoint,
        CHARTLAKE_GLUE_ENDPOINT: glue.endpoint,
        AWS_REGION: TEST_REGION,
        AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.inputs.memorySize),
      });
      removeDir(tmp);
      expect(invocation.error, `${JSON.stringify(invocation.error)}\n${invocation.logs}`).to.equal(undefined);
      expect(invocation.result).to.deep.equal({ batchItemFailures: [] });
      expect(invocation.logs).to.match(/"message":"transform batch".*"records":2/);
      const tables = glue.calls.filter((c) => c.target === 'AWSGlue.GetTable').map((c) => c.body.Name).sort();
      // The per-chart tables and the lake-wide songs table; only the per-chart ones have partitions to register.
      expect(tables).to.deep.equal([...TABLES, 'songs'].sort());
      const registered = glue.calls.filter((c) => c.target === 'AWSGlue.BatchCreatePartition');
      expect(registered.map((c) => c.body.DatabaseName)).to.deep.include(variables.CHARTLAKE_GLUE_DATABASE);
      expect(registered.map((c) => c.body.TableName).sort()).to.deep.equal([...TABLES].sort());

      // The local pipeline, same raw bytes, same handler, a folder lake; compared row by row, table by table.
      const local = tempDir('lambda-local');
      const duck = await DuckDb.open();
      try {
        const fs = new FsStore(local);
        for (const file of CSVS) {
          const imported = await importChartsCsv(fs, file, readFileSync(path.join(US_2023, file)));
          await handleTransform(objectCreatedEvent(fs.bucket, imported.rawKey, 1), { store: fs, duck, log: silentLogger });
        }
        const counts: Record<string, number> = {};
        await duck.withConnection(async (connection) => {
          for (const table of TABLES) {
            const a = await parquetFiles(lake, table, path.join(local, 'from-lambda'));
            const b = await parquetFiles(fs, table, path.join(local, 'from-local'));
            // Every column but run_id (each transform run names its own).
            const read = (files: string[]) => `(SELECT * EXCLUDE (run_id) FROM read_parquet([${files.map((f) => `'${f}'`).join(', ')}], hive_partitioning = false, union_by_name = true))`;
            const [row] = await connection.all<{ n: number; only_lambda: number; only_local: number }>(
              `SELECT (SELECT count(*) FROM ${read(a)}) AS n,
                      (SELECT count(*) FROM (SELECT * FROM ${read(a)} EXCEPT ALL SELECT * FROM ${read(b)})) AS only_lambda,
                      (SELECT count(*) FROM (SELECT * FROM ${read(b)} EXCEPT ALL SELECT * FROM ${read(a)})) AS only_local`,
            );
            counts[table] = row.n;
            expect([row.only_lambda, row.only_local], table).to.deep.equal([0, 0]);
          }
        });
        expect(counts.chart_entries).to.equal(400);
      } finally {
        duck.close();
        removeDir(local);
      }
    });
  });

  describe('extract: the weekly schedule\'s event against the Spotify-compatible test server and a Secrets Manager stub', () => {
    let s3: LocalS3;
    let spotify: SpotifyServer;
    let secrets: Awaited<ReturnType<typeof startAwsJsonStub>>;
    before(async () => {
      s3 = await startS3rver();
      // The server's latest week is the week due now, as Spotify's would be once published.
      spotify = await startSpotifyServer({ catalog: buildDemoCatalog({ weeks: 2, chartSize: 50, endWeek: dueChartWeek(new Date()) }) });
      secrets = await startAwsJsonStub((call) =>
        call.target === 'secretsmanager.GetSecretValue'
          ? { status: 200, body: { ARN: call.body.SecretId as string, Name: 'spotify', SecretString: DEMO_CLIENT_SECRET } }
          : { status: 400, body: { __type: 'InvalidRequestException', message: call.target } },
      );
    });
    after(async () => {
      await s3?.close();
      await spotify?.close();
      await secrets?.close();
    });

    it('writes one enriched raw envelope of the due week, reading the client secret from Secrets Manager, and never logs it', async () => {
      const fn = named(stack, FUNCTION, '-extract');
      const variables = (fn.inputs.environment as { variables: Record<string, string> }).variables;
      expect(variables).not.to.have.property('SPOTIFY_CLIENT_SECRET');
      const bucket = variables.CHARTLAKE_LAKE_BUCKET;
      await s3.createBucket(bucket);
      const dir = path.join(work, 'extract');
      const tmp = tempDir('lambda-tmp');
      const target = stack.resources.find((r) => r.type === 'aws:cloudwatch/eventTarget:EventTarget')!;
      const invoke = (overrides: Record<string, string> = {}, clock?: Date) =>
        invokeLambda<{ chart: string; week: string; rawKey: string; entries: number; apiMode: string; skipped: boolean; published?: boolean }>(dir, JSON.parse(target.inputs.input as string), {
          ...variables,
          SPOTIFY_CLIENT_ID: DEMO_CLIENT_ID,
          CHARTLAKE_SPOTIFY_CHARTS_URL: spotify.url,
          CHARTLAKE_SPOTIFY_API_URL: spotify.url,
          CHARTLAKE_SPOTIFY_ACCOUNTS_URL: spotify.url,
          CHARTLAKE_SECRETS_ENDPOINT: secrets.endpoint,
          HOME: tmp,
          CHARTLAKE_TMP: tmp,
          CHARTLAKE_S3_ENDPOINT: s3.endpoint,
          AWS_REGION: TEST_REGION,
          AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
          ...overrides,
        }, { clock });
      const invocation = await invoke();
      expect(invocation.error, `${JSON.stringify(invocation.error)}\n${invocation.logs}`).to.equal(undefined);
      const result = invocation.result!;
      expect([result.chart, result.week, result.skipped, result.entries]).to.deep.equal([GLOBAL_WEEKLY_ALIAS, spotify.latestWeek, false, 50]);
      expect(result.apiMode).to.not.equal('none');
      expect(secrets.calls.map((c) => [c.target, c.body.SecretId])).to.deep.equal([['secretsmanager.GetSecretValue', variables.CHARTLAKE_SPOTIFY_CLIENT_SECRET_ARN]]);
      // A second delivery of the same schedule event: the week is in raw/, nothing more is written.
      const again = await invoke();
      expect(again.result?.skipped).to.equal(true);
      // Into an empty lake while Spotify still serves the week before. On the Monday after the week, not published
      // yet and not overdue: the run ends normally (the next scheduled run retries; no dead letter, no alarm), and
      // says so. On Tuesday evening it is overdue: the run fails (Lambda's retries, then the dead-letter queue) and
      // logs "week overdue" (the stack's alarm metric). The Lambda's clock is set to each moment: with the real one,
      // from Tuesday 18:00 to Friday 12:00 UTC the due week is always overdue.
      const due = spotify.latestWeek;
      const thursday = Date.parse(`${due}T00:00:00Z`);
      const before = new Date(thursday - 7 * 86400_000).toISOString().slice(0, 10);
      await s3.createBucket('chartlake-unit-empty-lake');
      spotify.latestWeek = before;
      const monday = new Date(thursday + 4 * 86400_000);
      const tuesdayEvening = new Date(overdueAt(due).getTime() + 3600_000);
      const waiting = await invoke({ CHARTLAKE_LAKE_BUCKET: 'chartlake-unit-empty-lake' }, monday);
      const overdue = await invoke({ CHARTLAKE_LAKE_BUCKET: 'chartlake-unit-empty-lake' }, tuesdayEvening);
      spotify.latestWeek = due;
      removeDir(tmp);
      expect([dueChartWeek(monday), dueChartWeek(tuesdayEvening)]).to.deep.equal([due, due]);
      expect(waiting.error, waiting.logs).to.equal(undefined);
      expect(waiting.result).to.deep.include({ chart: GLOBAL_WEEKLY_ALIAS, week: due, published: false, served: before, overdueAt: overdueAt(due).toISOString() });
      expect(waiting.logs).to.include('"message":"week not published yet"');
      expect(overdue.result, overdue.logs).to.equal(undefined);
      expect(overdue.error?.name).to.equal('WeekNotPublishedError');
      expect(overdue.error?.message).to.include(`overdue since ${overdueAt(due).toISOString()}`);
      expect(overdue.logs).to.include('"message":"week overdue"');
      const lake = new S3Store({ bucket, client: s3.client });
      expect((await lake.list('raw/')).map((o) => o.key)).to.deep.equal([result.rawKey]);
      expect(result.rawKey).to.match(new RegExp(`^raw/spotify/${GLOBAL_WEEKLY_ALIAS}/week=${spotify.latestWeek}/`));
      const envelope = JSON.parse((await lake.get(result.rawKey))!.toString()) as { chart: { alias: string; date: string }; entries: unknown[]; tracks: object };
      expect([envelope.chart.alias, envelope.chart.date, envelope.entries.length]).to.deep.equal([GLOBAL_WEEKLY_ALIAS, spotify.latestWeek, 50]);
      expect(Object.keys(envelope.tracks).length).to.be.above(0);
      expect(invocation.logs).to.include('"message":"extracted"');
      for (const logs of [invocation.logs, again.logs, waiting.logs, overdue.logs]) {
        expect(logs).not.to.include(DEMO_CLIENT_SECRET);
        for (const token of spotify.issuedTokens) expect(logs).not.to.include(token);
      }
    });
  });
});

/** Every Parquet file of a table in a lake, as local files (downloaded from S3), whatever the layout of its folders. */
async function parquetFiles(store: ObjectStore, table: string, dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const object of await store.list(`transformed/${table}/`)) {
    if (!object.key.endsWith('.parquet')) continue;
    const file = path.join(dir, object.key);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, (await store.get(object.key))!);
    files.push(file);
  }
  return files;
}
