import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { silentLogger } from '../../src/log';
import { DuckDb } from '../../src/query';
import { FsStore, objectCreatedEvent, partitionKey, S3Store } from '../../src/store';
import { importChartsCsv } from '../../src/extract';
import { transformRawObject, TABLES } from '../../src/transform';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';
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
    const sql = readFileSync(path.join(work, 'transform', 'dist/lambda/src/transform/sql/checks.sql'), 'utf8');
    expect(sql).to.equal(readFileSync(path.resolve(__dirname, '../../src/transform/sql/checks.sql'), 'utf8'));
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
        await transformRawObject(localImport.rawKey, { store: fs, duck, log: silentLogger });
        const chartWeek = { chart: 'regional-us-weekly', week: '2023-03-02' };
        const counts: Record<string, number> = {};
        await duck.withConnection(async (connection) => {
          for (const table of TABLES) {
            const key = partitionKey(table, chartWeek);
            const fromLambda = path.join(local, `lambda-${table}.parquet`);
            writeFileSync(fromLambda, (await lake.get(key))!);
            const a = `read_parquet('${fromLambda}', hive_partitioning = false)`;
            const b = `read_parquet('${fs.pathOf(key)}', hive_partitioning = false)`;
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
});
