import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { silentLogger } from '../../src/log';
import { DuckDb } from '../../src/query';
import { FsStore, objectCreatedEvent, S3Store, tableFileKey } from '../../src/store';
import { importChartsCsv } from '../../src/extract';
import { transformRawObjects, TABLES } from '../../src/transform';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';
import { buildDemoCatalog, GLOBAL_WEEKLY_ALIAS } from '../../src/demo/catalog';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startSpotifyServer, type SpotifyServer } from '../../src/demo/spotify-server';
import { startAwsJsonStub } from './aws-json-stub';
import { invokeLambda, materializeCode, zippedSize } from './lambda-package';
import { startS3rver, S3RVER_CREDENTIALS, type LocalS3 } from './s3rver';
import { loadStack, named, TEST_REGION, type LoadedStack } from './stack-harness';

const FUNCTION = 'aws:lambda/function:Function';
const CSV = 'regional-us-weekly-2023-03-02.csv';

describe('the Lambda packages, invoked as Lambda would', function () {
  let stack: LoadedStack;
  let work: string;
  before(async () => {
    stack = await loadStack();
    work = tempDir('lambda');
  });
  after(() => {
    if (work) removeDir(work);
  });

  it('package the compiled handlers, the .sql files, DuckDB\'s Linux binding and got; no Pulumi, no AWS SDK, no dev dependency', async () => {
    const entries = await materializeCode(named(stack, FUNCTION, '-transform'), path.join(work, 'transform'));
    expect(entries).to.include.members(['__index.js', 'dist/lambda', 'node_modules/@duckdb/node-api', 'node_modules/@duckdb/node-bindings-linux-x64', 'node_modules/got']);
    for (const entry of entries) expect(entry).not.to.match(/@pulumi|@aws-sdk|typescript|mocha|s3rver|chai|ts-node|vega|playwright/);
    const sql = readFileSync(path.join(work, 'transform', 'dist/lambda/src/transform/sql/gates.sql'), 'utf8');
    expect(sql).to.equal(readFileSync(path.resolve(__dirname, '../../src/transform/sql/gates.sql'), 'utf8'));
    // The serialized callback is one line that loads the compiled entry; nothing of the program is captured.
    const index = readFileSync(path.join(work, 'transform', '__index.js'), 'utf8');
    expect(index).to.include('"./dist/lambda/src/aws/lambda/transform.js"');
    expect(index.length).to.be.below(1000);
  });

  it('zips to under 50 MB (Lambda\'s limit for a direct upload)', async function () {
    const size = await zippedSize(path.join(work, 'transform'), path.join(work, 'transform.zip'));
    // Measured: about 23 MB, almost all of it DuckDB's binary.
    writeFileSync(path.join(work, 'size.txt'), String(size));
    console.log(`      zipped transform package: ${(size / 1e6).toFixed(1)} MB`);
    expect(size).to.be.above(5e6);
    expect(size).to.be.below(50 * 1024 * 1024);
  });

  describe('transform: a real S3 event record against s3rver', () => {
    let s3: LocalS3;
    let glue: Awaited<ReturnType<typeof startAwsJsonStub>>;
    before(async function () {
      requireShared(this);
      s3 = await startS3rver();
      // The crawler "is already running": the Lambda must not fail for it.
      glue = await startAwsJsonStub(() => ({ status: 400, body: { __type: 'CrawlerRunningException', message: 'Crawler with name x has already started' } }));
    });
    after(async () => {
      await s3?.close();
      await glue?.close();
    });

    it('writes the same Parquet rows as the local pipeline for the same raw object, then starts the crawler', async () => {
      const fn = named(stack, FUNCTION, '-transform');
      const variables = (fn.inputs.environment as { variables: Record<string, string> }).variables;
      const bucket = variables.CHARTLAKE_LAKE_BUCKET;
      await s3.createBucket(bucket);
      const bytes = readFileSync(path.join(US_2023, CSV));
      const lake = new S3Store({ bucket, client: s3.client });
      const imported = await importChartsCsv(lake, CSV, bytes);

      const tmp = tempDir('lambda-tmp');
      const invocation = await invokeLambda<{ transformed: { rawKey: string; chartEntries: number }[]; rejected: unknown[]; crawler: string }>(
        path.join(work, 'transform'),
        objectCreatedEvent(bucket, imported.rawKey, bytes.length),
        {
          ...variables,
          // Loopback stand-ins; HOME and the scratch folder in a temp folder instead of the machine's /tmp.
          HOME: tmp,
          CHARTLAKE_TMP: tmp,
          CHARTLAKE_S3_ENDPOINT: s3.endpoint,
          CHARTLAKE_GLUE_ENDPOINT: glue.endpoint,
          AWS_REGION: TEST_REGION,
          AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.inputs.memorySize),
        },
      );
      removeDir(tmp);
      expect(invocation.error, `${JSON.stringify(invocation.error)}\n${invocation.logs}`).to.equal(undefined);
      expect(invocation.result?.transformed).to.deep.equal([{ rawKey: imported.rawKey, chart: 'regional-us-weekly', week: '2023-03-02', chartEntries: 200 }]);
      expect(invocation.result?.crawler).to.equal('already-running');
      expect(glue.calls.map((call) => [call.target, call.body.Name])).to.deep.equal([['AWSGlue.StartCrawler', variables.CHARTLAKE_CRAWLER_NAME]]);
      expect(invocation.logs).to.include('"message":"transformed"');

      // The local pipeline, same raw bytes, same handler, a folder lake.
      const local = tempDir('lambda-local');
      const duck = await DuckDb.open();
      try {
        const fs = new FsStore(local);
        const localImport = await importChartsCsv(fs, CSV, bytes);
        await transformRawObjects([localImport.rawKey], { store: fs, duck, log: silentLogger });
        const chartYear = { chart: 'regional-us-weekly', year: 2023 };
        const counts: Record<string, number> = {};
        await duck.withConnection(async (connection) => {
          for (const table of TABLES) {
            const key = tableFileKey(table, chartYear);
            const fromLambda = path.join(local, `lambda-${table}.parquet`);
            writeFileSync(fromLambda, (await lake.get(key))!);
            // Every column but run_id (each transform run names its own).
            const a = `(SELECT * EXCLUDE (run_id) FROM read_parquet('${fromLambda}', hive_partitioning = false))`;
            const b = `(SELECT * EXCLUDE (run_id) FROM read_parquet('${fs.pathOf(key)}', hive_partitioning = false))`;
            const [row] = await connection.all<{ n: number; only_lambda: number; only_local: number; columns_equal: boolean }>(
              `SELECT (SELECT count(*) FROM ${a}) AS n,
                      (SELECT count(*) FROM (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b})) AS only_lambda,
                      (SELECT count(*) FROM (SELECT * FROM ${b} EXCEPT ALL SELECT * FROM ${a})) AS only_local,
                      (SELECT list(column_name || ' ' || column_type) FROM (DESCRIBE SELECT * FROM ${a}))
                        = (SELECT list(column_name || ' ' || column_type) FROM (DESCRIBE SELECT * FROM ${b})) AS columns_equal`,
            );
            if (table === 'chart_entries') expect(row.n).to.equal(200);
            counts[table] = row.n;
            expect([row.only_lambda, row.only_local, row.columns_equal], table).to.deep.equal([0, 0, true]);
          }
        });
        // A CSV week has no album or artist objects (only names); the other tables have rows to compare.
        expect(Object.entries(counts).filter(([, n]) => n === 0).map(([table]) => table)).to.deep.equal(['albums', 'artists']);
      } finally {
        duck.close();
        removeDir(local);
      }
    });
  });

  describe('extract: the weekly schedule\'s event against the Spotify-compatible test server', () => {
    let s3: LocalS3;
    let spotify: SpotifyServer;
    before(async () => {
      s3 = await startS3rver();
      spotify = await startSpotifyServer({ catalog: buildDemoCatalog({ chartSize: 50 }) });
    });
    after(async () => {
      await s3?.close();
      await spotify?.close();
    });

    it('writes one enriched raw envelope of the latest week to raw/, and never logs the client secret', async () => {
      const fn = named(stack, FUNCTION, '-extract');
      // The extract's environment reaches the engine as a secret: unwrap it as the deployed function would see it.
      const environment = fn.inputs.environment as { value: { variables: Record<string, string> } };
      const variables = environment.value.variables;
      const bucket = variables.CHARTLAKE_LAKE_BUCKET;
      await s3.createBucket(bucket);
      const dir = path.join(work, 'extract');
      await materializeCode(fn, dir);
      const tmp = tempDir('lambda-tmp');
      const target = stack.resources.find((r) => r.type === 'aws:cloudwatch/eventTarget:EventTarget')!;
      const invocation = await invokeLambda<{ chart: string; week: string; rawKey: string; entries: number; apiMode: string; skipped: boolean }>(
        dir,
        JSON.parse(target.inputs.input as string),
        {
          ...variables,
          SPOTIFY_CLIENT_ID: DEMO_CLIENT_ID,
          SPOTIFY_CLIENT_SECRET: DEMO_CLIENT_SECRET,
          CHARTLAKE_SPOTIFY_CHARTS_URL: spotify.url,
          CHARTLAKE_SPOTIFY_API_URL: spotify.url,
          CHARTLAKE_SPOTIFY_ACCOUNTS_URL: spotify.url,
          HOME: tmp,
          CHARTLAKE_TMP: tmp,
          CHARTLAKE_S3_ENDPOINT: s3.endpoint,
          AWS_REGION: TEST_REGION,
          AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
        },
      );
      removeDir(tmp);
      expect(invocation.error, `${JSON.stringify(invocation.error)}\n${invocation.logs}`).to.equal(undefined);
      const result = invocation.result!;
      expect([result.chart, result.week, result.skipped, result.entries]).to.deep.equal([GLOBAL_WEEKLY_ALIAS, spotify.latestWeek, false, 50]);
      expect(result.apiMode).to.not.equal('none');
      const lake = new S3Store({ bucket, client: s3.client });
      const raw = await lake.list('raw/');
      expect(raw.map((o) => o.key)).to.deep.equal([result.rawKey]);
      expect(result.rawKey).to.match(new RegExp(`^raw/spotify/${GLOBAL_WEEKLY_ALIAS}/week=${spotify.latestWeek}/`));
      const envelope = JSON.parse((await lake.get(result.rawKey))!.toString()) as { chart: { alias: string; date: string }; entries: unknown[]; tracks: object };
      expect([envelope.chart.alias, envelope.chart.date, envelope.entries.length]).to.deep.equal([GLOBAL_WEEKLY_ALIAS, spotify.latestWeek, 50]);
      expect(Object.keys(envelope.tracks).length).to.be.above(0);
      expect(invocation.logs).to.include('"message":"extracted"');
      expect(invocation.logs).not.to.include(DEMO_CLIENT_SECRET);
      for (const token of spotify.issuedTokens) expect(invocation.logs).not.to.include(token);
    });
  });
});
