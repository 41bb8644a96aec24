import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { importChartsCsv } from '../../src/extract/import-csv';
import { DuckDb } from '../../src/query';
import { FsStore } from '../../src/store';
import { transformRawObjects } from '../../src/transform';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';
import { skipBecause } from '../support/skip';

/** Issue 14 (smaller): a full temp folder says which file could not be written, not a bare ENOSPC or DuckDB IO error. */
describe('a full scratch folder', function () {
  this.timeout(120_000);
  let dir: string;
  let tiny: string;
  let duck: DuckDb;

  before(async function () {
    requireShared(this);
    dir = tempDir('full-scratch');
    tiny = path.join(dir, 'tiny');
    mkdirSync(tiny);
    // A 16 KB file system: mounting needs root and a kernel that allows it here.
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', tiny], { encoding: 'utf8' });
    if (mounted.status !== 0) {
      removeDir(dir);
      skipBecause(this, `a tiny tmpfs could not be mounted (${(mounted.stderr || mounted.error?.message || '').trim()}): needs root and mount`);
    }
    duck = await DuckDb.open();
  });
  after(() => {
    duck?.close();
    if (tiny) spawnSync('umount', [tiny]);
    if (dir) removeDir(dir);
  });

  it('names the scratch folder and the file it could not write, and commits nothing', async () => {
    const store = new FsStore(path.join(dir, 'lake'));
    const name = 'regional-us-weekly-2023-01-05.csv';
    const entry = await importChartsCsv(store, name, readFileSync(path.join(US_2023, name)));
    let failure: Error | undefined;
    try {
      await transformRawObjects([entry.rawKey], { store, duck, workDir: tiny });
    } catch (error) {
      failure = error as Error;
    }
    expect(failure?.message).to.match(new RegExp(`^no space left in the scratch folder ${tiny}: could not write ${tiny}/chartlake-transform-\\d+-\\w+/`));
    expect(failure?.message).to.include('set TMPDIR');
    expect(await store.list('transformed/')).to.deep.equal([]);
  });
});
