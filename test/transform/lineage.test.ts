import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { generateInput } from '../../bench/generate';
import { silentLogger } from '../../src/log';
import { LocalPipeline } from '../../src/pipeline';
import { FsStore, lineageKey } from '../../src/store';
import { readLineage } from '../../src/transform';
import { removeDir, tempDir } from '../support/lake';

/** readLineage of some charts (what an import reads to add a week): those charts' lineage only. */
describe('readLineage of some charts', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = tempDir('lineage')));
  after(() => removeDir(dir));

  it("returns those charts' weeks without reading another chart's lineage file, and nothing for a name that is no chart", async () => {
    const input = await generateInput(path.join(dir, 'input'), { regions: 2, weeks: 3 });
    const store = new FsStore(path.join(dir, 'lake'));
    const pipeline = await LocalPipeline.open(store, silentLogger);
    try {
      await pipeline.importFiles([path.join(dir, 'input')]);
      const [first, second] = input.regions.map((region) => `regional-${region}-weekly`);
      const weeksOf = async (charts?: string[]) => (await readLineage(store, pipeline.duck, charts)).map((week) => `${week.chart} ${week.week}`);
      expect(await weeksOf([first])).to.deep.equal(input.weeks.map((week) => `${first} ${week}`));
      expect(await weeksOf([first, first]), 'a chart named twice').to.have.length(3);
      expect(await weeksOf()).to.have.length(6);
      expect(await weeksOf(['../x', 'no chart'])).to.deep.equal([]);
      // Another chart's lineage file unreadable: reading the first chart's does not touch it, reading all does.
      await fs.writeFile(store.pathOf(lineageKey({ chart: second, year: 2021 })), 'not parquet');
      expect(await weeksOf([first])).to.have.length(3);
      let failed = false;
      await weeksOf().catch(() => (failed = true));
      expect(failed).to.equal(true);
    } finally {
      await pipeline.close();
    }
  });
});
