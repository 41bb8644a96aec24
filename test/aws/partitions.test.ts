import { expect } from 'chai';
import {
  BatchCreatePartitionCommand,
  CrawlerRunningException,
  EntityNotFoundException,
  GetTableCommand,
  GlueClient,
  StartCrawlerCommand,
} from '@aws-sdk/client-glue';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { PartitionsNotRegisteredError, registerPartitions, writtenPartitions } from '../../src/aws';
import { memoryLogger } from '../../src/log';

const client = () => new GlueClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const target = { database: 'chartlake_dev', crawler: 'chartlake-dev-transformed' };
const LAKE = 's3://chartlake-dev-lake/transformed';

/** A table as the crawler made it: partition keys chart, year; Parquet SerDe. */
function table(name: string, partitionKeys = ['chart', 'year']) {
  return {
    Table: {
      Name: name,
      DatabaseName: target.database,
      PartitionKeys: partitionKeys.map((Name) => ({ Name, Type: 'string' })),
      StorageDescriptor: {
        Location: `${LAKE}/${name}/`,
        InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
        SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        Columns: [{ Name: 'rank', Type: 'int' }],
      },
    },
  };
}

const keysOf = (chart: string, year: string) =>
  ['chart_entries', 'tracks'].map((t) => `transformed/${t}/chart=${chart}/year=${year}/part-0.parquet`).concat(`transformed/_lineage/chart=${chart}/year=${year}/part-0.parquet`);

describe('partition registration after a transform writes (mocked Glue)', () => {
  // Mocked for this suite only (other suites mock GlueClient too).
  let glue: AwsClientStub<GlueClient>;
  before(() => (glue = mockClient(GlueClient)));
  after(() => glue.restore());
  beforeEach(() => glue.reset());

  it('reads the partitions from the written keys, once each; lineage is not a table; lake-wide tables have none', () => {
    const keys = [...keysOf('regional-us-weekly', '2023'), 'transformed/chart_entries/chart=regional-us-weekly/year=2023/part-0.parquet', 'transformed/songs/part-2023.parquet'];
    expect(writtenPartitions(keys)).to.deep.equal([
      { table: 'chart_entries', path: 'chart=regional-us-weekly/year=2023/', values: { chart: 'regional-us-weekly', year: '2023' } },
      { table: 'tracks', path: 'chart=regional-us-weekly/year=2023/', values: { chart: 'regional-us-weekly', year: '2023' } },
      { table: 'songs', path: '', values: {} },
    ]);
  });

  it('two transforms racing a running crawler still register their partitions', async () => {
    glue.on(StartCrawlerCommand).rejects(new CrawlerRunningException({ message: 'running', $metadata: {} }));
    glue.on(GetTableCommand).callsFake((input: { Name: string }) => table(input.Name));
    glue.on(BatchCreatePartitionCommand).resolves({});
    const [a, b] = await Promise.all([
      registerPartitions(client(), target, keysOf('regional-us-weekly', '2023'), memoryLogger()),
      registerPartitions(client(), target, keysOf('regional-global-weekly', '2024'), memoryLogger()),
    ]);
    expect([a.created, b.created]).to.deep.equal([2, 2]);
    const registered = glue
      .commandCalls(BatchCreatePartitionCommand)
      .flatMap((call) => call.args[0].input.PartitionInputList!.map((p) => `${call.args[0].input.TableName} ${p.Values!.join('/')} ${p.StorageDescriptor!.Location}`))
      .sort();
    expect(registered).to.deep.equal([
      `chart_entries regional-global-weekly/2024 ${LAKE}/chart_entries/chart=regional-global-weekly/year=2024/`,
      `chart_entries regional-us-weekly/2023 ${LAKE}/chart_entries/chart=regional-us-weekly/year=2023/`,
      `tracks regional-global-weekly/2024 ${LAKE}/tracks/chart=regional-global-weekly/year=2024/`,
      `tracks regional-us-weekly/2023 ${LAKE}/tracks/chart=regional-us-weekly/year=2023/`,
    ]);
    // The partition carries the table's format (copied from the crawler's definition).
    const first = glue.commandCalls(BatchCreatePartitionCommand)[0].args[0].input.PartitionInputList![0];
    expect(first.StorageDescriptor!.SerdeInfo).to.deep.equal(table('x').Table.StorageDescriptor.SerdeInfo);
    // Tables exist: nothing depends on the crawler.
    expect(glue.commandCalls(StartCrawlerCommand)).to.have.length(0);
  });

  it('a partition Glue already has (a week rewritten in an existing year) is success', async () => {
    glue.on(GetTableCommand).callsFake((input: { Name: string }) => table(input.Name));
    glue.on(BatchCreatePartitionCommand).resolves({
      Errors: [{ PartitionValues: ['regional-us-weekly', '2023'], ErrorDetail: { ErrorCode: 'AlreadyExistsException', ErrorMessage: 'exists' } }],
    });
    const result = await registerPartitions(client(), target, keysOf('regional-us-weekly', '2023'), memoryLogger());
    expect([result.created, result.existing]).to.deep.equal([0, 2]);
  });

  it('any other partition error fails the batch (it is retried)', async () => {
    glue.on(GetTableCommand).callsFake((input: { Name: string }) => table(input.Name));
    glue.on(BatchCreatePartitionCommand).resolves({
      Errors: [{ PartitionValues: ['regional-us-weekly', '2023'], ErrorDetail: { ErrorCode: 'InternalServiceException', ErrorMessage: 'try again' } }],
    });
    const error = await registerPartitions(client(), target, keysOf('regional-us-weekly', '2023'), memoryLogger()).catch((e: Error) => e);
    expect((error as Error).message).to.match(/Glue refused partition chart_entries regional-us-weekly\/2023: InternalServiceException/);
  });

  it('a table the crawler has not made yet: the crawler is started and makes it (with the partition)', async () => {
    glue.on(GetTableCommand).rejects(new EntityNotFoundException({ message: 'no table', $metadata: {} }));
    glue.on(StartCrawlerCommand).resolves({});
    const result = await registerPartitions(client(), target, ['transformed/songs/part-2023.parquet'], memoryLogger());
    expect([result.missingTables, result.crawler]).to.deep.equal([['songs'], 'started']);
  });

  it('a table not made yet while the crawler already runs (it may have listed S3 before the write): a retryable failure', async () => {
    glue.on(GetTableCommand).rejects(new EntityNotFoundException({ message: 'no table', $metadata: {} }));
    glue.on(StartCrawlerCommand).rejects(new CrawlerRunningException({ message: 'running', $metadata: {} }));
    const error = await registerPartitions(client(), target, keysOf('regional-us-weekly', '2023'), memoryLogger()).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(PartitionsNotRegisteredError);
    expect((error as PartitionsNotRegisteredError).retryable).to.equal(true);
  });

  it('a written folder that does not name the table\'s partition keys is an error, not a wrong partition', async () => {
    glue.on(GetTableCommand).callsFake((input: { Name: string }) => table(input.Name, ['chart', 'year']));
    const error = await registerPartitions(client(), target, ['transformed/tracks/chart=x/week=2023-01-05/part-0.parquet'], memoryLogger()).catch((e: Error) => e);
    expect((error as Error).message).to.contain('does not name the table\'s partition keys chart, year');
  });
});
