import { expect } from 'chai';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { athenaEngineFromEnv } from '../../src/cli/aws-commands';
import { commands } from '../../src/cli/commands';

describe('chartlake query --engine athena', () => {
  it('reads the workgroup, database and region from the environment', async () => {
    const engine = athenaEngineFromEnv({ CHARTLAKE_ATHENA_WORKGROUP: 'chartlake-dev', CHARTLAKE_ATHENA_DATABASE: 'chartlake_dev', AWS_REGION: 'eu-west-1' });
    expect(engine.options).to.deep.include({ workGroup: 'chartlake-dev', database: 'chartlake_dev', region: 'eu-west-1' });
    expect(await engine.client.config.region()).to.equal('eu-west-1');
    await engine.close();
  });

  it('says which variables are missing', () => {
    expect(() => athenaEngineFromEnv({})).to.throw(/CHARTLAKE_ATHENA_WORKGROUP and CHARTLAKE_ATHENA_DATABASE/);
  });

  it('runs the SQL on Athena and prints the result', async () => {
    const athena = mockClient(AthenaClient);
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-9' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: [{ Name: 'n', Type: 'bigint' }] }, Rows: [{ Data: [{ VarCharValue: 'n' }] }, { Data: [{ VarCharValue: '10400' }] }] },
    });
    const saved = { ...process.env };
    Object.assign(process.env, { CHARTLAKE_ATHENA_WORKGROUP: 'wg', CHARTLAKE_ATHENA_DATABASE: 'db', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' });
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write;
    try {
      expect(await commands.query.run({ engine: 'athena', format: 'csv' }, ['SELECT count(*) AS n FROM chart_entries'])).to.equal(0);
    } finally {
      process.stdout.write = write;
      process.env = saved;
      athena.restore();
    }
    expect(written.join('')).to.match(/^n\r?\n10400\s*$/);
    expect(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input).to.deep.include({ WorkGroup: 'wg', QueryString: 'SELECT count(*) AS n FROM chart_entries' });
  });
});
