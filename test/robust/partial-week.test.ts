import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { importChartsCsv } from '../../src/extract/import-csv';
import { DuckDb } from '../../src/query';
import { FsStore, S3Store, type ObjectStore } from '../../src/store';
import { CHART_TABLES, transformRawObjects } from '../../src/transform';
import { startS3rver, type LocalS3 } from '../aws/s3rver';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';
import { viewRows } from '../support/rows';

const csv = (week: string) => `regional-us-weekly-${week}.csv`;

/**
 * The store as seen through a failure: every write to `transformed/` after the first `survive` ones fails (the
 * store server died between tables). No `putMany`, so a bulk write goes object by object, as a dying server would cut it.
 */
function dyingStore(store: ObjectStore, survive: number): ObjectStore {
  let writes = 0;
  return new Proxy(store, {
    get(target, property) {
      if (property === 'putMany') return undefined;
      if (property === 'put') {
        return async (key: string, body: Uint8Array | string) => {
          if (key.startsWith('transformed/') && ++writes > survive) throw new Error(`store down (after ${survive} table writes)`);
          return target.put(key, body);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Issue 14.3: a week becomes visible only when all its tables and its lineage are written (lineage last is the
 * commit), on both stores. A lake with week A committed gets week B of the same chart-year; the store dies after
 * 0, 1, ... 5 of the six file writes (five tables, then lineage): every reader sees exactly week A, never part of B.
 */
for (const kind of ['folder', 's3'] as const) {
  describe(`no partial week when the store dies between tables (${kind} store)`, function () {
    this.timeout(240_000);
    let dir: string;
    let duck: DuckDb;
    let s3: LocalS3 | undefined;
    let bucketNumber = 0;

    before(async function () {
      requireShared(this);
      dir = tempDir(`partial-${kind}`);
      duck = await DuckDb.open();
      if (kind === 's3') s3 = await startS3rver();
    });
    after(async () => {
      duck?.close();
      await s3?.close();
      if (dir) removeDir(dir);
    });

    const freshStore = async (): Promise<ObjectStore> => {
      bucketNumber += 1;
      if (!s3) return new FsStore(path.join(dir, `lake-${bucketNumber}`));
      const bucket = `partial-${process.pid}-${bucketNumber}`;
      await s3.createBucket(bucket);
      return new S3Store({ bucket, client: s3.client });
    };

    it('after 0..5 of the 6 writes, the views show week A whole and no row of week B; a retry commits B', async () => {
      const writes = CHART_TABLES.length + 1;
      for (let survive = 0; survive < writes; survive += 1) {
        const store = await freshStore();
        const a = await importChartsCsv(store, csv('2023-01-05'), readFileSync(path.join(US_2023, csv('2023-01-05'))));
        expect((await transformRawObjects([a.rawKey], { store, duck })).weeks).to.have.length(1);
        const before = await viewRows(store, duck);
        expect(before.chart_entries).to.have.length(200);

        const b = await importChartsCsv(store, csv('2023-01-12'), readFileSync(path.join(US_2023, csv('2023-01-12'))));
        let failure: Error | undefined;
        try {
          await transformRawObjects([b.rawKey], { store: dyingStore(store, survive), duck });
        } catch (error) {
          failure = error as Error;
        }
        expect(failure?.message, `survive ${survive}`).to.include('store down');
        const seen = await viewRows(store, duck);
        expect(seen, `after ${survive} of ${writes} writes`).to.deep.equal(before);

        const retried = await transformRawObjects([b.rawKey], { store, duck });
        expect(retried.weeks.map((week) => week.week)).to.deep.equal(['2023-01-12']);
        const after = await viewRows(store, duck);
        for (const table of ['chart_entries', 'tracks', 'track_artists']) { // albums and artists need enrichment
          const weeks = new Set(after[table].map((row) => (row as { week: string }).week));
          expect([...weeks].sort(), `${table} after the retry`).to.deep.equal(['2023-01-05', '2023-01-12']);
        }
      }
    });
  });
}
