import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { eventKeys, putAll, type ObjectStore, type S3Event } from '../../src/store';

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

    it('putMany writes bodies and local files unchanged, one event per object in the order given', async () => {
      const local = mkdtempSync(path.join(os.tmpdir(), 'chartlake-test-putmany-'));
      try {
        const file = path.join(local, 'part.parquet');
        const fileBytes = Buffer.from([0x50, 0x41, 0x52, 0x31, 0x00, 0xff]);
        writeFileSync(file, fileBytes);
        await store.put('transformed/t/chart=a/week=2023-01-05/part-0.parquet', 'old');
        const events: S3Event[] = [];
        const unsubscribe = store.onObjectCreated((event) => events.push(event));
        const keys = ['transformed/t/chart=a/week=2023-01-05/part-0.parquet', 'raw/b c.csv', 'transformed/_lineage/x.json'];
        const infos = await store.putMany!([
          { key: keys[0], file },
          { key: keys[1], body: Buffer.from('a,b\r\n') },
          { key: keys[2], body: '{"é":1}' },
        ]);
        unsubscribe();
        expect(infos.map((info) => [info.key, info.size])).to.deep.equal([[keys[0], 6], [keys[1], 5], [keys[2], 8]]);
        expect(events.map((event) => store.lakeKeyOf(eventKeys(event)[0]))).to.deep.equal(keys);
        expect((await store.get(keys[0]))?.equals(fileBytes)).to.equal(true);
        expect((await store.get(keys[1]))?.toString()).to.equal('a,b\r\n');
        expect((await store.get(keys[2]))?.toString()).to.equal('{"é":1}');
        expect((await store.list('')).map((object) => object.key)).to.deep.equal([...keys].sort());
        expect(await store.putMany!([])).to.deep.equal([]);
      } finally {
        rmSync(local, { recursive: true, force: true });
      }
    });

    it('putMany refuses a key named twice before writing anything', async () => {
      let error: Error | undefined;
      await store.putMany!([{ key: 'raw/x.csv', body: '1' }, { key: 'raw/x.csv', body: '2' }]).catch((e: Error) => (error = e));
      expect(error?.message).to.match(/named twice/);
      expect(await store.head('raw/x.csv')).to.equal(undefined);
    });

    it('putAll falls back to one put per entry for a store without putMany', async () => {
      const wrapper: ObjectStore = Object.assign(Object.create(store) as ObjectStore, { putMany: undefined });
      const events: S3Event[] = [];
      const unsubscribe = store.onObjectCreated((event) => events.push(event));
      await putAll(wrapper, [{ key: 'raw/1.csv', body: 'a' }, { key: 'raw/2.csv', body: 'bb' }]);
      unsubscribe();
      expect(events.map((event) => store.lakeKeyOf(eventKeys(event)[0]))).to.deep.equal(['raw/1.csv', 'raw/2.csv']);
      expect((await store.get('raw/2.csv'))?.toString()).to.equal('bb');
    });

    it('putIfAbsent writes once and then refuses', async () => {
      expect(await store.putIfAbsent('locks/week.lock', 'first')).to.equal(true);
      expect(await store.putIfAbsent('locks/week.lock', 'second')).to.equal(false);
      expect((await store.get('locks/week.lock'))?.toString()).to.equal('first');
      // Not durable (a lock) changes nothing a reader sees: written whole, once.
      expect(await store.putIfAbsent('locks/other.lock', 'a', { durable: false })).to.equal(true);
      expect(await store.putIfAbsent('locks/other.lock', 'b', { durable: false })).to.equal(false);
      expect((await store.get('locks/other.lock'))?.toString()).to.equal('a');
    });
  });
}
