import { expect } from 'chai';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type QueryExecutionState,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaEngine, AthenaQueryError, foldParams, runSavedAnalysis, savedAnalysis } from '../../src/query';

const athena = mockClient(AthenaClient);

function execution(state: QueryExecutionState, extra: { reason?: string; message?: string } = {}) {
  return {
    QueryExecution: {
      QueryExecutionId: 'q-1',
      Status: {
        State: state,
        ...(extra.reason ? { StateChangeReason: extra.reason } : {}),
        ...(extra.message ? { AthenaError: { ErrorCategory: 2, ErrorType: 1006, ErrorMessage: extra.message } } : {}),
      },
    },
  };
}

const COLUMNS = [
  { Name: 'rank', Type: 'integer' },
  { Name: 'track_name', Type: 'varchar' },
  { Name: 'streams', Type: 'bigint' },
  { Name: 'week', Type: 'date' },
  { Name: 'explicit', Type: 'boolean' },
  { Name: 'share', Type: 'double' },
];
const header = { Data: COLUMNS.map((column) => ({ VarCharValue: column.Name })) };
const dataRow = (rank: number, name: string, streams?: string) => ({
  Data: [
    { VarCharValue: String(rank) },
    { VarCharValue: name },
    streams === undefined ? {} : { VarCharValue: streams },
    { VarCharValue: '2023-12-28' },
    { VarCharValue: rank % 2 === 0 ? 'true' : 'false' },
    { VarCharValue: '0.5' },
  ],
});

describe('AthenaEngine (mocked SDK)', () => {
  let sleeps: number[];
  let engine: AthenaEngine;
  beforeEach(() => {
    athena.reset();
    sleeps = [];
    engine = new AthenaEngine({
      workGroup: 'chartlake-dev',
      database: 'chartlake_dev',
      client: new AthenaClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      pollMs: 100,
      maxPollMs: 400,
    });
  });

  it('starts the query in the workgroup and database, binding ? as quoted ExecutionParameters', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: COLUMNS }, Rows: [header] } });
    await engine.query('SELECT * FROM chart_entries WHERE chart = ? AND rank <= ? AND explicit = ?', ["it's-a-chart", 10, true]);
    const input = athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input;
    expect(input.WorkGroup).to.equal('chartlake-dev');
    expect(input.QueryExecutionContext).to.deep.equal({ Database: 'chartlake_dev', Catalog: 'AwsDataCatalog' });
    expect(input.ExecutionParameters).to.deep.equal(["'it''s-a-chart'", '10', 'TRUE']);
  });

  it('omits ExecutionParameters when there are none (Athena refuses an empty list)', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: COLUMNS }, Rows: [header] } });
    await engine.query('SELECT 1');
    expect(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input).not.to.have.property('ExecutionParameters');
  });

  it('polls with growing waits until SUCCEEDED', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(execution('QUEUED'))
      .resolvesOnce(execution('RUNNING'))
      .resolvesOnce(execution('RUNNING'))
      .resolvesOnce(execution('RUNNING'))
      .resolves(execution('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: COLUMNS }, Rows: [header] } });
    const result = await engine.query('SELECT 1');
    expect(athena.commandCalls(GetQueryExecutionCommand)).to.have.length(5);
    expect(sleeps).to.deep.equal([100, 150, 225, 338]);
    expect(result.rows).to.deep.equal([]);
  });

  it('pages through the results, drops the header row once, and maps the column types', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: undefined })
      .resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: COLUMNS }, Rows: [header, dataRow(1, 'A', '9007199254740993')] }, NextToken: 'p2' })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: 'p2' })
      .resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: COLUMNS }, Rows: [dataRow(2, 'rank', '1200')] }, NextToken: 'p3' })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: 'p3' })
      .resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: COLUMNS }, Rows: [dataRow(3, 'C')] } });
    const result = await engine.query('SELECT ...');
    expect(athena.commandCalls(GetQueryResultsCommand)).to.have.length(3);
    expect(result.columns).to.deep.equal([
      { name: 'rank', type: 'INTEGER' },
      { name: 'track_name', type: 'VARCHAR' },
      { name: 'streams', type: 'BIGINT' },
      { name: 'week', type: 'DATE' },
      { name: 'explicit', type: 'BOOLEAN' },
      { name: 'share', type: 'DOUBLE' },
    ]);
    expect(result.rows).to.deep.equal([
      // Beyond 2^53 a BIGINT stays a string, exactly as the DuckDB engine returns it.
      { rank: 1, track_name: 'A', streams: '9007199254740993', week: '2023-12-28', explicit: false, share: 0.5 },
      { rank: 2, track_name: 'rank', streams: 1200, week: '2023-12-28', explicit: true, share: 0.5 },
      { rank: 3, track_name: 'C', streams: null, week: '2023-12-28', explicit: false, share: 0.5 },
    ]);
  });

  it('surfaces a FAILED query with Athena\'s error message and the execution id', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves(execution('FAILED', { reason: 'generic', message: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved" }));
    const error = await engine.query('SELECT nope FROM chart_entries').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(AthenaQueryError);
    expect((error as AthenaQueryError).message).to.equal("Athena query q-1 FAILED: COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved");
    expect((error as AthenaQueryError).errorType).to.equal('1006');
    expect(athena.commandCalls(GetQueryResultsCommand)).to.have.length(0);
  });

  it('surfaces a CANCELLED query with its state change reason (e.g. the workgroup bytes-scanned cutoff)', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('CANCELLED', { reason: 'Query exhausted resources: bytes scanned limit exceeded' }));
    const error = (await engine.query('SELECT 1').catch((e: unknown) => e)) as AthenaQueryError;
    expect(error.state).to.equal('CANCELLED');
    expect(error.message).to.match(/CANCELLED: Query exhausted resources: bytes scanned limit exceeded/);
  });

  it('stops a query that outlives the timeout', async () => {
    const short = new AthenaEngine({ ...engine.options, client: engine.client, timeoutMs: 300 });
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('RUNNING'));
    athena.on(StopQueryExecutionCommand).resolves({});
    const error = (await short.query('SELECT 1').catch((e: unknown) => e)) as AthenaQueryError;
    expect(error.state).to.equal('TIMED_OUT');
    expect(athena.commandCalls(StopQueryExecutionCommand)[0].args[0].input).to.deep.equal({ QueryExecutionId: 'q-1' });
  });

  it('runs a saved analysis file with its values folded in (foldParams), its parameters in declaration order', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: COLUMNS }, Rows: [header] } });
    const analysis = savedAnalysis('week-top10');
    await runSavedAnalysis(engine, analysis, { chart: 'regional-us-weekly', from_week: '2023-01-05', to_week: '2023-12-28' });
    const input = athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input;
    expect(input.QueryString).to.equal(foldParams(analysis.sql, ['regional-us-weekly', '2023-01-05', '2023-12-28']));
    expect(input.QueryString).to.include("e.chart = CAST('regional-us-weekly' AS VARCHAR)");
    expect(input.ExecutionParameters).to.deep.equal(["'regional-us-weekly'", "'2023-01-05'", "'2023-12-28'"]);
  });

  it('finds the biggest chart and its span from the chart rows (Athena has no lineage table), counts as numbers', async () => {
    const columns = ['chart', 'first_week', 'last_week', 'weeks', 'chart_rows'].map((Name) => ({ Name, Type: Name.endsWith('s') ? 'bigint' : 'varchar' }));
    const row = (...values: string[]) => ({ Data: values.map((VarCharValue) => ({ VarCharValue })) });
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: columns },
        Rows: [row(...columns.map((column) => column.Name)), row('regional-us-weekly', '2023-01-05', '2023-12-28', '52', '10400'), row('regional-de-weekly', '2023-01-05', '2023-03-02', '9', '1800')],
      },
    });
    expect(await engine.chartSpans()).to.deep.equal([
      { chart: 'regional-us-weekly', first_week: '2023-01-05', last_week: '2023-12-28', weeks: 52, chart_rows: 10400 },
      { chart: 'regional-de-weekly', first_week: '2023-01-05', last_week: '2023-03-02', weeks: 9, chart_rows: 1800 },
    ]);
    const sql = athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input.QueryString ?? '';
    expect(sql).to.match(/FROM chart_entries\s+GROUP BY chart\s+ORDER BY chart_rows DESC, chart/);
    expect(sql).to.not.include('_committed');
  });
});
