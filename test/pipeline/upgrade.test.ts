import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openLakeEngine } from '../../src/catalog';
import { silentLogger } from '../../src/log';
import { LocalPipeline } from '../../src/pipeline';
import { FsStore, rawCsvKey } from '../../src/store';
import { removeDir, requireShared, snapshot, tempDir, US_2023 } from '../support/lake';
import { viewRows } from '../support/rows';

const CHART = 'regional-us-weekly';
const WEEKS = ['2023-12-21', '2023-12-28'];

describe('upgrading a lake of the per-week layout (chartlake 0.1) in place', function () {
  let dir: string;
  let reference: string;

  before(function () {
    requireShared(this);
  });
  afterEach(() => {
    if (dir) removeDir(dir);
    if (reference) removeDir(reference);
  });

  it('refuses to query it with a message naming the command, then rebuilds it from raw/ alone, raw/ unchanged', async () => {
    dir = tempDir('upgrade');
    reference = tempDir('upgrade-reference');
    // What chartlake 0.1 left: the raw CSVs, per-week Parquet files, JSON lineage and partition lists.
    const store = new FsStore(dir);
    for (const week of WEEKS) {
      const name = `regional-us-weekly-${week}.csv`;
      await store.put(rawCsvKey({ chart: CHART, week }, name), readFileSync(path.join(US_2023, name)));
      for (const table of ['chart_entries', 'tracks', '_lineage']) {
        const file = path.join(dir, 'transformed', table, `chart=${CHART}`, `week=${week}`, table === '_lineage' ? 'lineage.json' : 'part-0.parquet');
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, 'old layout');
      }
    }
    mkdirSync(path.join(dir, 'catalog', 'partitions', 'chart_entries'), { recursive: true });
    writeFileSync(path.join(dir, 'catalog', 'partitions', 'chart_entries', `${CHART}.json`), '{}');
    writeFileSync(path.join(dir, 'catalog.json'), '{"format": 2, "tables": {}}');
    const rawBefore = snapshot(path.join(dir, 'raw'));

    const refused = await openLakeEngine(store).then(() => undefined, (error: Error) => error);
    expect(refused?.message).to.match(/per-week layout of chartlake 0\.1; run `chartlake upgrade --lake /);

    const pipeline = await LocalPipeline.open(store, silentLogger);
    try {
      const result = await pipeline.rebuildFromRaw();
      expect(result).to.deep.include({ rawObjects: 2, weeks: 2, removed: 6 });
      expect(snapshot(path.join(dir, 'raw'))).to.deep.equal(rawBefore);
      const files = Object.keys(snapshot(path.join(dir, 'transformed'))).sort();
      expect(files.every((file) => file.includes('/year=2023/') || file === 'songs/part-2023.parquet' || file.startsWith('_song_identity/')), files.join('\n')).to.equal(true);
      expect(Object.keys(snapshot(dir)).some((file) => file.startsWith('catalog/'))).to.equal(false);
      // The same rows as a lake that imported the files with this version.
      const fresh = await LocalPipeline.open(new FsStore(reference), silentLogger);
      try {
        await fresh.importFiles(WEEKS.map((week) => path.join(US_2023, `regional-us-weekly-${week}.csv`)));
        const upgraded = await viewRows(store, pipeline.duck);
        expect(upgraded).to.deep.equal(await viewRows(fresh.store, fresh.duck));
        expect(upgraded.chart_entries).to.have.length(400);
      } finally {
        await fresh.close();
      }
    } finally {
      await pipeline.close();
    }
  });
});
