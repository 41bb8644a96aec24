import { expect } from 'chai';
import { DuckDb } from '../../src/query/duckdb';

/** `withThreads`: DuckDB's threads (a setting of the whole database) narrowed while work runs, then set back. */
describe('DuckDB threads narrowed while work runs', () => {
  const threads = async (duck: DuckDb) => Number((await duck.withConnection((c) => c.all<{ n: number }>("SELECT current_setting('threads') AS n")))[0].n);

  it('sets them for the work, overlapping callers share the change, and the count is set back after a failure too', async () => {
    const duck = await DuckDb.open({ threads: 3 });
    try {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const first = duck.withThreads(1, async () => {
        await held;
        return threads(duck);
      });
      // A second caller while the first runs: still one thread; when it ends first, the first still has one.
      const failing = duck.withThreads(1, async () => {
        expect(await threads(duck)).to.equal(1);
        throw new Error('the work failed');
      });
      await failing.then(
        () => expect.fail('withThreads resolved'),
        (error: Error) => expect(error.message).to.equal('the work failed'),
      );
      release();
      expect(await first).to.equal(1);
      expect(await threads(duck)).to.equal(3);
      await duck.withThreads(1, () => Promise.reject(new Error('again'))).catch(() => undefined);
      expect(await threads(duck)).to.equal(3);
    } finally {
      duck.close();
    }
  });
});
