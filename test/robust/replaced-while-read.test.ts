import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DuckDb, DuckDbEngine, readWhole } from '../../src/query';
import { watchedFolders } from '../../src/query/duckdb-engine';
import { FsStore, tableFileKey } from '../../src/store';
import { removeDir, tempDir } from '../support/lake';

const READS = 300;
const KEY = tableFileKey('chart_entries', { chart: 'us', year: 2023 });
/** Each version has its own number of rows, so a read that mixes two versions shows. */
const rowsOf = (version: number) => 1000 + ((version * 7919) % 5000);
const WHOLE = (file: string) => `SELECT count(DISTINCT version) AS versions, min(version) AS version, count(*) AS n FROM read_parquet('${file}')`;
const WHOLE_VIEW = 'SELECT count(DISTINCT version) AS versions, min(version) AS version, count(*) AS n FROM chart_entries';
type Whole = { versions: number; version: number; n: number };

/**
 * The concurrent-writers flake ("Invalid Error: don't know what type"): DuckDB opens a Parquet file twice per
 * statement (footer, then pages), so a file renamed over in between (how every lake write lands) gave a reader the
 * footer of one version and the pages of the next: an error, or, worse, wrong rows without one. A reader whose
 * files changed while it read reads again from a snapshot of hard links (`readWhole`).
 */
describe('a lake file replaced while it is read', function () {
  this.timeout(120_000);
  let dir: string;
  let writer: DuckDb;
  let reader: DuckDb;

  before(async () => {
    dir = tempDir('replaced');
    writer = await DuckDb.open();
    reader = await DuckDb.open();
  });
  after(() => {
    writer?.close();
    reader?.close();
    if (dir) removeDir(dir);
  });

  /** Runs `reads` while another DuckDB puts new versions of the file at KEY, as fast as it can. */
  async function whileReplaced(store: FsStore, reads: () => Promise<void>): Promise<number> {
    const write = async (version: number) => {
      const temp = path.join(dir, `version-${version}.parquet`);
      await writer.withConnection((c) => c.run(`COPY (SELECT ${version} AS version, i AS rank, 'row ' || i AS name FROM range(${rowsOf(version)}) t(i)) TO '${temp}' (FORMAT parquet)`));
      await store.put(KEY, readFileSync(temp));
      removeDir(temp);
    };
    await write(0);
    let writing = true;
    let written = 1;
    const writes = (async () => {
      while (writing) await write(written++);
    })();
    try {
      await reads();
    } finally {
      writing = false;
      await writes;
    }
    return written;
  }

  /** Whether a read saw one whole version: one version number, with exactly the rows it wrote. */
  const isWhole = (row: Whole) => row.versions === 1 && row.n === rowsOf(row.version);

  it(`${READS} reads while another DuckDB puts new versions: each read succeeds and sees one whole version`, async () => {
    const store = new FsStore(path.join(dir, 'lake'));
    const failures: string[] = [];
    const mixed: Whole[] = [];
    const written = await whileReplaced(store, () =>
      reader.withConnection(async (connection) => {
        for (let read = 0; read < READS; read += 1) {
          try {
            const [row] = await readWhole(store.root, 'transformed/', (root) => connection.all<Whole>(WHOLE(path.join(root, ...KEY.split('/')))));
            if (!isWhole(row)) mixed.push(row);
          } catch (error) {
            failures.push((error as Error).message.slice(0, 120));
          }
        }
      }),
    );
    expect(written, 'the writer replaced the file many times during the reads').to.be.greaterThan(20);
    expect(failures, 'reads that failed').to.deep.equal([]);
    expect(mixed, 'reads that saw a mix of versions').to.deep.equal([]);
    expect(await store.list(''), 'the snapshots read are released: the lake holds its one file').to.have.length(1);
  });

  it('a reader that names its files as it goes (watch) reads again from a snapshot when one of them changed', async () => {
    const store = new FsStore(path.join(dir, 'watch-lake'));
    const other = tableFileKey('tracks', { chart: 'us', year: 2023 });
    await store.put(KEY, 'version 1');
    await store.put(other, 'other 1');
    const roots: string[] = [];
    // A file it did not name changes: no second read.
    await readWhole(store.root, 'transformed/', async (root, watch) => {
      roots.push(root);
      watch([KEY]);
      if (roots.length === 1) await store.put(other, 'other 2');
    }, []);
    expect(roots).to.deep.equal([store.root]);
    // A file it named changes after it was named: read again from a snapshot holding the new version.
    roots.length = 0;
    const seen = await readWhole(store.root, 'transformed/', async (root, watch) => {
      roots.push(root);
      watch([KEY]);
      if (roots.length === 1) await store.put(KEY, 'version 2');
      return readFileSync(path.join(root, ...KEY.split('/')), 'utf8');
    }, []);
    expect(roots).to.have.length(2);
    expect(path.basename(roots[1])).to.match(/^\.snapshot\.tmp-/);
    expect(seen).to.equal('version 2');
  });

  it("a query scoped to a chart checks that chart's files only: another chart's file replaced under it sends it to no snapshot", async () => {
    const store = new FsStore(path.join(dir, 'scoped-lake'));
    const other = tableFileKey('chart_entries', { chart: 'gb', year: 2023 });
    const parquet = async (version: number) => {
      const temp = path.join(dir, `scoped-${version}.parquet`);
      await writer.withConnection((c) => c.run(`COPY (SELECT ${version} AS version, i AS rank FROM range(${rowsOf(version)}) t(i)) TO '${temp}' (FORMAT parquet)`));
      const bytes = readFileSync(temp);
      removeDir(temp);
      return bytes;
    };
    await store.put(KEY, await parquet(1));
    await store.put(other, await parquet(2));
    // Each query on an engine of its own: the views are opened (and a file replaced, `replacing`) inside the read.
    const rootsOf = async (replacing: string, scope?: { charts: string[] }) => {
      const roots: string[] = [];
      const connection = await reader.connect();
      const openViews = async (root: string) => {
        roots.push(root);
        if (roots.length === 1) await store.put(replacing, await parquet(roots.length + 10));
        await connection.run(`CREATE OR REPLACE VIEW chart_entries AS SELECT * FROM read_parquet('${path.join(root, ...KEY.split('/'))}')`);
      };
      const engine = new DuckDbEngine(reader, connection, false, { root: store.root, openViews, tables: ['chart_entries'], chartTables: ['chart_entries'] });
      try {
        await engine.query(WHOLE_VIEW, [], scope);
      } finally {
        connection.close();
      }
      return roots.map((root) => (root === store.root ? 'lake' : 'snapshot'));
    };
    expect(await rootsOf(other, { charts: ['us'] }), "scoped to us, gb's file replaced").to.deep.equal(['lake']);
    expect(await rootsOf(KEY, { charts: ['us'] }), "scoped to us, us's file replaced").to.deep.equal(['lake', 'snapshot']);
    expect(await rootsOf(other), "unscoped, gb's file replaced").to.deep.equal(['lake', 'snapshot']);
    // A scope that names no chart, or a name that is no chart, checks the whole table.
    expect(watchedFolders(['chart_entries', 'songs'], ['chart_entries'], { charts: ['us', 'gb'] })).to.deep.equal([
      'transformed/chart_entries/chart=us/',
      'transformed/chart_entries/chart=gb/',
      'transformed/songs/',
    ]);
    expect(watchedFolders(['chart_entries'], ['chart_entries'], { charts: ['../us'] })).to.deep.equal(['transformed/chart_entries/']);
    // A `<table>_latest` view reads its table's folder, named beside it.
    expect(watchedFolders(['tracks', 'tracks_latest'], ['tracks'], { charts: ['us'] })).to.deep.equal(['transformed/tracks/chart=us/']);
    expect(watchedFolders(['chart_entries'], ['chart_entries'], { charts: [] })).to.deep.equal(['transformed/chart_entries/']);
  });

  it('a query engine answers from a snapshot when its files changed, then reads the lake again', async () => {
    const store = new FsStore(path.join(dir, 'engine-lake'));
    const opened: string[] = [];
    const connection = await reader.connect();
    const openViews = async (root: string) => {
      opened.push(root);
      await connection.run(`CREATE OR REPLACE VIEW chart_entries AS SELECT * FROM read_parquet('${path.join(root, ...KEY.split('/'))}')`);
    };
    const engine = new DuckDbEngine(reader, connection, false, { root: store.root, openViews });
    const mixed: unknown[] = [];
    await whileReplaced(store, async () => {
      await openViews(store.root);
      for (let read = 0; read < READS && !opened.some((root) => root !== store.root); read += 1) {
        const { rows } = await engine.query(WHOLE_VIEW);
        if (!isWhole(rows[0] as Whole)) mixed.push(rows[0]);
      }
    });
    expect(mixed, 'queries that saw a mix of versions').to.deep.equal([]);
    const snapshots = opened.filter((root) => root !== store.root);
    expect(snapshots.length, 'the views were pointed at a snapshot when a file changed under a query').to.be.greaterThan(0);
    expect(path.basename(snapshots[0])).to.match(/^\.snapshot\.tmp-\d+-[0-9a-f]+$/);
    // Nothing changes now: the next query points the views at the lake again and reads it in place.
    const { rows } = await engine.query(WHOLE_VIEW);
    expect(isWhole(rows[0] as Whole)).to.equal(true);
    expect(opened[opened.length - 1]).to.equal(store.root);
    connection.close();
  });
});
