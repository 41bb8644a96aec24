import { expect } from 'chai';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { crawl, openLakeEngine } from '../../src/catalog';
import { DuckDb, sqlString } from '../../src/query';
import { committedCacheDir } from '../../src/query/lake-files';
import { FsStore, lineageKey } from '../../src/store';
import { commitFakeWeeks } from '../support/lineage';
import { removeDir, tempDir } from '../support/lake';
import { skipBecause } from '../support/skip';

/**
 * A fresh process takes the committed chart weeks from a cache in the temporary folder instead of reading every
 * lineage file, only while the lineage files are as they were when it was written.
 */
describe('catalog: the committed weeks cached between processes', function () {
  this.timeout(60_000);
  const CHART = 'regional-zz-weekly';
  let dir: string;
  let store: FsStore;
  let duck: DuckDb;
  let cacheDir: string;

  const committedCount = async () => {
    const engine = await openLakeEngine(store, { duck });
    try {
      const { rows } = await engine.query('SELECT count(*) AS n FROM _committed');
      return Number(rows[0].n);
    } finally {
      await engine.close();
    }
  };
  const cacheFiles = () => readdirSync(cacheDir).filter((name) => name.endsWith('.parquet'));
  /** Rewrites the cache with only its rows `where` holds, its metadata (the lineage files' states) kept. */
  const shortenCache = (where: string) =>
    duck.withConnection(async (connection) => {
      const file = sqlString(path.join(cacheDir, cacheFiles()[0]));
      const metadata = await connection.all<{ key: string; value: string }>(`SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${file})`);
      expect(metadata).to.have.length.greaterThan(0);
      await connection.run(`CREATE OR REPLACE TEMP TABLE fewer AS SELECT * FROM read_parquet(${file}) WHERE ${where}`);
      const kv = metadata.map((row) => `${row.key}: ${sqlString(row.value)}`).join(', ');
      await connection.run(`COPY fewer TO ${file} (FORMAT parquet, KV_METADATA {${kv}})`);
    });

  before(async () => {
    dir = tempDir('committed-cache');
    store = new FsStore(dir);
    duck = await DuckDb.open();
    cacheDir = committedCacheDir(dir);
    rmSync(cacheDir, { recursive: true, force: true });
    await commitFakeWeeks(store, CHART, ['2023-01-05', '2023-01-12', '2023-01-19']);
    await crawl(store, duck);
  });
  after(() => {
    duck?.close();
    if (dir) removeDir(dir);
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  it('is written by the first open and read by the next one', async () => {
    expect(await committedCount()).to.equal(3);
    expect(cacheFiles()).to.have.length(1);
    // Prove the next open reads the cache: a cache holding one week less is believed while the lineage is unchanged.
    await shortenCache(`week <> DATE '2023-01-19'`);
    expect(await committedCount()).to.equal(2);
  });

  it('is read only from a folder of this user\'s own: a cache planted by another user is ignored', async function () {
    if (process.getuid === undefined) skipBecause(this, 'this platform has no user ids (Windows): its temporary folder is the user\'s own');
    const realUid = process.getuid;
    const planted = cacheFiles()[0]; // the cache of the test above: one week short of the lineage
    const otherUid = realUid() + 4242;
    process.getuid = () => otherUid;
    try {
      // The folder this "user" would read, made by someone else (the real user) and holding the short cache.
      const theirs = committedCacheDir(dir);
      mkdirSync(theirs, { recursive: true });
      copyFileSync(path.join(cacheDir, planted), path.join(theirs, planted));
      expect(await committedCount()).to.equal(3);
    } finally {
      process.getuid = realUid;
    }
    rmSync(path.dirname(committedCacheDir(dir)).replace(`-${realUid()}`, `-${otherUid}`), { recursive: true, force: true });
    expect(await committedCount()).to.equal(2); // the real user's own (short) cache is still believed
  });

  it('sees a week committed since: the next open reads the lineage file that changed and replaces the cache', async () => {
    await commitFakeWeeks(store, CHART, ['2023-01-26']);
    expect(await committedCount()).to.equal(4);
    expect(cacheFiles()).to.have.length(1);
    expect(await committedCount()).to.equal(4);
  });

  it('after a week is committed, only the lineage file it rewrote is read: the other files\' rows come from the cache', async () => {
    const OTHER = 'regional-yy-weekly';
    await commitFakeWeeks(store, OTHER, ['2023-01-05']);
    expect(await committedCount()).to.equal(5);
    // Prove which files are read again: a cache short of one week of CHART is believed while CHART's file is as it was.
    await shortenCache(`NOT (chart = '${CHART}' AND week = DATE '2023-01-05')`);
    await commitFakeWeeks(store, OTHER, ['2023-01-12']);
    expect(await committedCount(), 'CHART from the short cache, OTHER read again').to.equal(5);
    // CHART's file rewritten: it is read again, and its week is back.
    await commitFakeWeeks(store, CHART, ['2023-02-02']);
    expect(await committedCount()).to.equal(7);
    await store.delete(lineageKey({ chart: OTHER, year: 2023 }));
    expect(await committedCount(), 'a removed lineage file\'s rows are gone').to.equal(5);
  });

  it('an unreadable cache file is read past: the lineage is read instead', async () => {
    writeFileSync(path.join(cacheDir, cacheFiles()[0]), 'not parquet');
    expect(await committedCount()).to.equal(5);
  });

  it('a lake that is gone loses its cache folder when another lake starts one', async () => {
    const gone = tempDir('committed-cache-gone');
    const goneStore = new FsStore(gone);
    await commitFakeWeeks(goneStore, CHART, ['2023-01-05']);
    await crawl(goneStore, duck);
    const engine = await openLakeEngine(goneStore, { duck });
    await engine.query('SELECT count(*) FROM _committed'); // the first query reads the committed weeks
    await engine.close();
    expect(existsSync(committedCacheDir(gone))).to.equal(true);
    removeDir(gone);
    rmSync(cacheDir, { recursive: true, force: true }); // this lake starts its folder again
    expect(await committedCount()).to.equal(5);
    expect(existsSync(committedCacheDir(gone)), 'the gone lake\'s folder').to.equal(false);
    expect(cacheFiles()).to.have.length(1);
  });

  it('a cache folder that cannot be written only costs the next open a read of the lineage', async () => {
    rmSync(cacheDir, { recursive: true, force: true });
    mkdirSync(path.dirname(cacheDir), { recursive: true });
    writeFileSync(cacheDir, 'a file where the folder would be');
    try {
      expect(await committedCount()).to.equal(5);
      expect(await committedCount()).to.equal(5);
    } finally {
      rmSync(cacheDir, { force: true });
    }
  });
});
