import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DuckDb } from '../../src/query';
import { FsStore, objectCreatedEvent, rawCsvKey } from '../../src/store';
import { handleTransform } from '../../src/transform';
import { TransformRouter } from '../../src/pipeline';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';

describe('event routing (what the S3 notification does on AWS)', function () {
  let dir: string;
  let duck: DuckDb;
  before(async function () {
    requireShared(this);
    duck = await DuckDb.open();
  });
  after(() => duck?.close());
  beforeEach(() => (dir = tempDir('router')));
  afterEach(() => removeDir(dir));

  it('routes objects created under raw/ to the transform, and nothing else', async () => {
    const store = new FsStore(dir);
    const router = new TransformRouter(store, { store, duck });
    const key = rawCsvKey({ chart: 'regional-us-weekly', week: '2023-03-02' }, 'regional-us-weekly-2023-03-02.csv');
    await store.put(key, readFileSync(path.join(US_2023, 'regional-us-weekly-2023-03-02.csv')));
    await store.put('notes/readme.txt', 'not a raw object');
    const results = await router.settle();
    router.close();
    expect(results.map((r) => r.key)).to.deep.equal([key]);
    expect(results[0].weeks?.[0].rows.chart_entries).to.equal(200);
    expect(await store.head('transformed/chart_entries/chart=regional-us-weekly/year=2023/part-0.parquet')).to.not.equal(undefined);
  });

  it('the handler decodes URL-encoded keys and ignores records outside raw/', async () => {
    const store = new FsStore(dir);
    const name = 'regional-us-weekly-2023-03-02 (1).csv';
    const key = rawCsvKey({ chart: 'regional-us-weekly', week: '2023-03-02' }, name);
    await store.put(key, readFileSync(path.join(US_2023, 'regional-us-weekly-2023-03-02.csv')));
    const event = objectCreatedEvent('local', key, 1);
    expect(event.Records[0].s3.object.key).to.contain('%281%29.csv').and.contain('+');
    event.Records.push(...objectCreatedEvent('local', 'transformed/x/y.parquet', 1).Records);
    const { weeks } = await handleTransform(event, { store, duck });
    expect(weeks).to.have.length(1);
    expect(weeks[0].rawKeys).to.deep.equal([key]);
  });
});
