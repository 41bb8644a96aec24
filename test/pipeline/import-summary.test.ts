import { expect } from 'chai';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { importChartsCsv } from '../../src/extract';
import * as path from 'node:path';
import { silentLogger } from '../../src/log';
import { LocalPipeline } from '../../src/pipeline';
import { FsStore } from '../../src/store';
import { songsAreStale, transformRawObjects } from '../../src/transform';
import { removeDir, requireShared, snapshot, tempDir, US_2023 } from '../support/lake';

describe('import says what it did: new, unchanged and refused weeks, subfolders read, other files named', function () {
  let dir: string;
  let inputs: string;

  before(function () {
    requireShared(this);
  });
  afterEach(() => {
    if (dir) removeDir(dir);
    if (inputs) removeDir(inputs);
  });

  it('reads subfolders, names what it skipped, and does not transform an unchanged file again', async () => {
    dir = tempDir('import-summary');
    inputs = tempDir('import-summary-inputs');
    const names = ['regional-us-weekly-2023-01-05.csv', 'regional-us-weekly-2023-01-12.csv', 'regional-us-weekly-2023-01-19.csv'];
    mkdirSync(path.join(inputs, 'january', 'late'), { recursive: true });
    copyFileSync(path.join(US_2023, names[0]), path.join(inputs, names[0]));
    copyFileSync(path.join(US_2023, names[1]), path.join(inputs, 'january', names[1]));
    copyFileSync(path.join(US_2023, names[2]), path.join(inputs, 'january', 'late', names[2]));
    writeFileSync(path.join(inputs, 'january', 'notes.txt'), 'not a chart');

    const pipeline = await LocalPipeline.open(new FsStore(dir), silentLogger);
    try {
      const first = await pipeline.importFiles([inputs]);
      expect(first.weeks.map((week) => week.week).sort()).to.deep.equal(['2023-01-05', '2023-01-12', '2023-01-19']);
      expect(first.unchanged).to.deep.equal([]);
      expect(first.skipped).to.deep.equal([path.join(inputs, 'january', 'notes.txt')]);
      const before = snapshot(path.join(dir, 'transformed'));

      const again = await pipeline.importFiles([inputs]);
      expect(again.weeks).to.deep.equal([]);
      expect(again.unchanged.sort()).to.deep.equal(
        [path.join(inputs, names[0]), path.join(inputs, 'january', names[1]), path.join(inputs, 'january', 'late', names[2])].sort(),
      );
      expect(again.failures).to.deep.equal([]);
      expect(snapshot(path.join(dir, 'transformed'))).to.deep.equal(before);
    } finally {
      await pipeline.close();
    }
  });

  it('reports as it goes: the files found before any is read, each step, each file, then song identity and the catalog', async () => {
    dir = tempDir('import-summary-progress');
    const files = ['2023-01-05', '2023-01-12', '2023-01-19'].map((week) => path.join(US_2023, `regional-us-weekly-${week}.csv`));
    const events: string[] = [];
    const pipeline = await LocalPipeline.open(new FsStore(dir), silentLogger);
    try {
      await pipeline.importFiles(files, {
        started: (total) => events.push(`started ${total}`),
        phase: (doing) => events.push(doing),
        file: (file, total, result) => events.push(`${path.basename(file)} of ${total}: ${result?.weeks?.[0]?.rows.chart_entries ?? 'no'} rows`),
      });
      expect(events).to.deep.equal([
        'started 3',
        'reading and storing 3 files',
        'transforming 3 files',
        ...files.map((file) => `${path.basename(file)} of 3: 200 rows`),
        'song identity',
        'catalog',
      ]);
      // Nothing to do again: the files are read, reported unchanged, and nothing is transformed.
      events.length = 0;
      await pipeline.importFiles(files, { started: (total) => events.push(`started ${total}`), phase: (doing) => events.push(doing), file: (file) => events.push(path.basename(file)) });
      expect(events).to.deep.equal(['started 3', 'reading and storing 3 files', ...files.map((file) => path.basename(file))]);
    } finally {
      await pipeline.close();
    }
  });

  it('transforms a stored file whose week was never built (a run killed between store and transform)', async () => {
    dir = tempDir('import-summary-pending');
    const name = 'regional-us-weekly-2023-01-05.csv';
    const store = new FsStore(dir);
    // Stored as a killed import leaves it: the raw object, no lineage.
    mkdirSync(path.join(dir, 'raw', 'charts-csv', 'regional-us-weekly', 'week=2023-01-05'), { recursive: true });
    copyFileSync(path.join(US_2023, name), path.join(dir, 'raw', 'charts-csv', 'regional-us-weekly', 'week=2023-01-05', name));
    const pipeline = await LocalPipeline.open(store, silentLogger);
    try {
      const result = await pipeline.importFiles([path.join(US_2023, name)]);
      expect(result.unchanged).to.deep.equal([]);
      expect(result.weeks.map((week) => [week.week, week.rows.chart_entries])).to.deep.equal([['2023-01-05', 200]]);
    } finally {
      await pipeline.close();
    }
  });
});

describe('the lake-wide song identity is rebuilt once per import, and a run that did not reach it is caught up', function () {
  let dir: string;
  before(function () {
    requireShared(this);
  });
  afterEach(() => {
    if (dir) removeDir(dir);
  });

  it('a week committed without its songs rebuild leaves songs stale; the next import (even of unchanged files) rebuilds it', async () => {
    dir = tempDir('songs-stale');
    const pipeline = await LocalPipeline.open(new FsStore(dir), silentLogger);
    try {
      const files = ['regional-us-weekly-2023-01-05.csv', 'regional-us-weekly-2023-01-12.csv'].map((name) => path.join(US_2023, name));
      await pipeline.importFiles(files.slice(0, 1));
      expect(await songsAreStale(pipeline.store)).to.equal(false);
      // A run killed after its lineage, before the songs rebuild: what deferring the rebuild leaves.
      const second = await importChartsCsv(new FsStore(dir), path.basename(files[1]), readFileSync(files[1]));
      await pipeline.router.settle();
      await transformRawObjects([second.rawKey], pipeline.router.context, { songs: false });
      expect(await songsAreStale(pipeline.store)).to.equal(true);
      const again = await pipeline.importFiles(files);
      expect(again.weeks).to.deep.equal([]);
      expect(await songsAreStale(pipeline.store)).to.equal(false);
      const engine = await pipeline.engine();
      try {
        const { rows } = await engine.query('SELECT count(*) AS missing FROM chart_entries AS e ANTI JOIN songs AS s USING (track_id)');
        expect(rows).to.deep.equal([{ missing: 0 }]);
      } finally {
        await engine.close();
      }
    } finally {
      await pipeline.close();
    }
  });
});
