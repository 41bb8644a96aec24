import { expect } from 'chai';
import { DEFAULT_MEMORY_LIMIT, DuckDb, memoryLimitFromEnv } from '../../src/query/duckdb';

/** DuckDB's memory limit: chartlake's default, or CHARTLAKE_DUCKDB_MEMORY_LIMIT, named when it is not a size. */
describe('DuckDB memory limit', () => {
  const setting = async (duck: DuckDb) => (await duck.withConnection((c) => c.all<{ v: string }>("SELECT current_setting('memory_limit') AS v")))[0].v;
  const saved = process.env.CHARTLAKE_DUCKDB_MEMORY_LIMIT;
  afterEach(() => {
    if (saved === undefined) delete process.env.CHARTLAKE_DUCKDB_MEMORY_LIMIT;
    else process.env.CHARTLAKE_DUCKDB_MEMORY_LIMIT = saved;
  });

  it(`is ${DEFAULT_MEMORY_LIMIT} by default, and CHARTLAKE_DUCKDB_MEMORY_LIMIT when set`, async () => {
    delete process.env.CHARTLAKE_DUCKDB_MEMORY_LIMIT;
    const plain = await DuckDb.open();
    const raised = await (async () => {
      process.env.CHARTLAKE_DUCKDB_MEMORY_LIMIT = '2GB';
      return DuckDb.open();
    })();
    try {
      // DuckDB reports it in its own units (512MB is 488.2 MiB; 2GB is 1.8 GiB).
      expect(await setting(plain)).to.equal('488.2 MiB');
      expect(await setting(raised)).to.equal('1.8 GiB');
    } finally {
      plain.close();
      raised.close();
    }
  });

  it('names the variable when its value is not a size', () => {
    expect(memoryLimitFromEnv({ CHARTLAKE_DUCKDB_MEMORY_LIMIT: ' 1.5GB ' })).to.equal('1.5GB');
    expect(memoryLimitFromEnv({})).to.equal(undefined);
    expect(() => memoryLimitFromEnv({ CHARTLAKE_DUCKDB_MEMORY_LIMIT: 'lots' })).to.throw(/CHARTLAKE_DUCKDB_MEMORY_LIMIT must be a size such as 512MB or 2GB, not "lots"/);
  });
});
