import { expect } from 'chai';
import { eventKeys, type ObjectStore, type S3Event } from '../../src/store';

/**
 * The behaviour every ObjectStore must have; run against FsStore and against S3Store on s3rver, so the
 * local lake and the S3 lake cannot drift apart.
 */
export function storeContract(open: () => Promise<ObjectStore>, close: () => Promise<void>): void {
  describe('object store contract', () => {
    let store: ObjectStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(close);

    it('puts, gets, heads and deletes bytes unchanged', async () => {
      const bytes = Buffer.from([0xef, 0xbb, 0xbf, 0x72, 0x0d, 0x0a, 0x00, 0xff]);
      const info = await store.put('raw/charts-csv/x/week=2023-01-05/a b.csv', bytes);
      expect(info.size).to.equal(bytes.length);
      expect((await store.get('raw/charts-csv/x/week=2023-01-05/a b.csv'))?.equals(bytes)).to.equal(true);
      expect((await store.head('raw/charts-csv/x/week=2023-01-05/a b.csv'))?.size).to.equal(bytes.length);
      await store.delete('raw/charts-csv/x/week=2023-01-05/a b.csv');
      expect(await store.get('raw/charts-csv/x/week=2023-01-05/a b.csv')).to.equal(undefined);
      expect(await store.head('raw/charts-csv/x/week=2023-01-05/a b.csv')).to.equal(undefined);
    });

    it('answers undefined for a missing object and deleting one is not an error', async () => {
      expect(await store.get('raw/none.json')).to.equal(undefined);
      await store.delete('raw/none.json');
    });

    it('lists by prefix, sorted, including partial folder names', async () => {
      for (const key of ['transformed/t/chart=a/week=2023-01-12/part-0.parquet', 'transformed/t/chart=a/week=2023-01-05/part-0.parquet', 'transformed/u/x', 'raw/y']) {
        await store.put(key, key);
      }
      expect((await store.list('transformed/t/')).map((o) => o.key)).to.deep.equal([
        'transformed/t/chart=a/week=2023-01-05/part-0.parquet',
        'transformed/t/chart=a/week=2023-01-12/part-0.parquet',
      ]);
      expect((await store.list('transformed/t/chart=a/week=2023-01-1')).map((o) => o.key)).to.deep.equal([
        'transformed/t/chart=a/week=2023-01-12/part-0.parquet',
      ]);
      expect((await store.list('nothing/'))).to.deep.equal([]);
    });

    it('emits one S3-shaped object-created event per put, with the key URL-encoded', async () => {
      const events: S3Event[] = [];
      const unsubscribe = store.onObjectCreated((event) => events.push(event));
      await store.put('raw/charts-csv/x/week=2023-01-05/a b+c.csv', 'x');
      unsubscribe();
      await store.put('raw/after.json', 'x');
      expect(events).to.have.length(1);
      const record = events[0].Records[0];
      expect(record.eventSource).to.equal('aws:s3');
      expect(record.eventName).to.match(/^ObjectCreated:/);
      expect(record.s3.bucket.name).to.equal(store.bucket);
      expect(record.s3.object.key).to.match(/a\+b%2Bc\.csv$/);
      expect(store.lakeKeyOf(eventKeys(events[0])[0])).to.equal('raw/charts-csv/x/week=2023-01-05/a b+c.csv');
    });

    it('putIfAbsent writes once and then refuses', async () => {
      expect(await store.putIfAbsent('locks/week.lock', 'first')).to.equal(true);
      expect(await store.putIfAbsent('locks/week.lock', 'second')).to.equal(false);
      expect((await store.get('locks/week.lock'))?.toString()).to.equal('first');
    });
  });
}
