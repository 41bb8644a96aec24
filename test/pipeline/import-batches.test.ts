import { expect } from 'chai';
import * as path from 'node:path';
import { generateInput } from '../../bench/generate';
import { openLakeEngine } from '../../src/catalog';
import { silentLogger } from '../../src/log';
import { LocalPipeline } from '../../src/pipeline';
import { chunksOf } from '../../src/pipeline/local';
import { FsStore, inPool } from '../../src/store';
import { removeDir, tempDir } from '../support/lake';

describe('import batches: cut where the chart-year changes, two transformed at once', function () {
  this.timeout(120_000);
  let dir: string | undefined;
  afterEach(() => {
    if (dir) removeDir(dir);
    dir = undefined;
  });

  it('chunksOf cuts at the first chart-year change once a chunk is full, and never lets one grow past twice the size', () => {
    const items = ['a/1', 'a/1', 'a/1', 'a/2', 'a/2', 'b/1', 'b/1', 'b/1', 'b/1', 'b/1', 'b/1', 'c/1'];
    expect(chunksOf(items, 2, (item) => item)).to.deep.equal([['a/1', 'a/1', 'a/1'], ['a/2', 'a/2'], ['b/1', 'b/1', 'b/1', 'b/1'], ['b/1', 'b/1'], ['c/1']]);
    // In order, nothing lost; items whose chart-year is unknown go on together.
    const unknown = ['x', 'y', 'z'];
    expect(chunksOf(unknown, 2, () => undefined)).to.deep.equal([['x', 'y', 'z']]);
    expect(chunksOf([], 2, () => undefined)).to.deep.equal([]);
  });

  it('inPool starts nothing after a failure, lets what runs finish, then throws the first error', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const failing = inPool([1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await new Promise((resolve) => setTimeout(resolve, item === 1 ? 60 : 10));
      if (item === 2) throw new Error('item 2 failed');
      finished.push(item);
    });
    await failing.then(
      () => expect.fail('inPool resolved'),
      (error: Error) => expect(error.message).to.equal('item 2 failed'),
    );
    // 1 was running when 2 failed: it finished before inPool threw; nothing started after the failure.
    expect(finished).to.deep.equal([1]);
    expect(started).to.deep.equal([1, 2]);
  });

  it('an import of two batches transforms them at once and builds every week; an upgrade rebuilds the same tables', async () => {
    dir = tempDir('import-batches');
    // 3 regions × 200 weeks: the first batch fills 500 files within the third region's 2022 and ends with it.
    const input = await generateInput(path.join(dir, 'input'), { regions: 3, weeks: 200 });
    const lake = path.join(dir, 'lake');
    const events: string[] = [];
    const pipeline = await LocalPipeline.open(new FsStore(lake), silentLogger);
    const threads = async () => Number((await pipeline.duck.withConnection((connection) => connection.all<{ n: number }>("SELECT current_setting('threads') AS n")))[0].n);
    const threadsBefore = await threads();
    // DuckDB's threads while the two batches run at once (asked when the first batch's first file is reported,
    // while the second runs): one each, set back after.
    let threadsDuring: Promise<number> | undefined;
    try {
      const result = await pipeline.importFiles([path.join(dir, 'input')], {
        phase: (doing) => events.push(doing),
        file: (file) => {
          threadsDuring ??= threads();
          events.push(`file ${path.basename(file)}`);
        },
      });
      expect(result.failures).to.deep.equal([]);
      expect(await threadsDuring).to.equal(1);
      expect(await threads()).to.equal(threadsBefore);
      expect(threadsBefore).to.be.greaterThan(1, 'this test needs a machine of two cores or more');
      const lastOfFirst = `regional-${input.regions[2]}-weekly-${input.weeks.filter((week) => week < '2023-01-01').at(-1)}.csv`;
      // The progress step names the batches being transformed: the second joins the first before the first is done
      // (its files are reported when its transform ends), and the one left is named alone again.
      expect(events).to.include('transforming 504 files (batch 1 of 2)');
      const secondStarts = events.indexOf('transforming 600 files (batches 1 and 2 of 2)');
      expect(secondStarts).to.be.greaterThan(events.indexOf('transforming 504 files (batch 1 of 2)'));
      expect(events.slice(secondStarts + 1).filter((event) => event.startsWith('transforming'))).to.have.length(1);
      expect(secondStarts).to.be.lessThan(events.indexOf(`file ${lastOfFirst}`));
      // Every week, in chart and week order, whichever batch ended first.
      const built = result.weeks.map((week) => `${week.chart} ${week.week}`);
      expect(built).to.have.length(600);
      expect(built).to.deep.equal([...built].sort());

      const counts = async () => {
        const engine = await openLakeEngine(new FsStore(lake));
        try {
          const answer = await engine.query(
            'SELECT chart, year, count(DISTINCT week) AS weeks, count(*) AS rows, sum(streams) AS streams FROM chart_entries GROUP BY ALL ORDER BY ALL',
          );
          return answer.rows.map((row) => Object.values(row).map(String).join(' '));
        } finally {
          await engine.close();
        }
      };
      const before = await counts();
      // 3 charts × 4 years, each year's weeks whole: 52, 52, 52, 44.
      expect(before).to.have.length(12);
      expect(before.map((row) => row.split(' ')[2])).to.deep.equal(Array.from({ length: 3 }, () => ['52', '52', '52', '44']).flat());

      events.length = 0;
      const rebuilt = await pipeline.rebuildFromRaw({ phase: (doing) => events.push(doing) });
      expect(rebuilt.weeks).to.equal(600);
      expect(events.filter((event) => event.startsWith('transforming')).slice(0, 2)).to.deep.equal([
        'transforming 504 raw objects (batch 1 of 2)',
        'transforming 600 raw objects (batches 1 and 2 of 2)',
      ]);
      expect(await counts()).to.deep.equal(before);
    } finally {
      await pipeline.close();
    }
  });
});
