import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DuckDb, readWhole } from '../../src/query';
import { FsStore, tableFileKey } from '../../src/store';
import { removeDir, tempDir } from '../support/lake';

const READS = 300;
const KEY = tableFileKey('chart_entries', { chart: 'us', year: 2023 });
/** Each version has its own number of rows, so a read that mixes two versions shows. */
const rowsOf = (version: number) => 1000 + ((version * 7919) % 5000);

/**
 * The concurrent-writers flake ("Invalid Error: don't know what type"): DuckDB reads a Parquet file's footer and its
 * pages through separate opens, so a file renamed over mid-statement (how every lake write lands) gave a reader the
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

  it(`${READS} reads while another DuckDB puts new versions: each read succeeds and sees one whole version`, async () => {
    const store = new FsStore(path.join(dir, 'lake'));
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
    const failures: string[] = [];
    const mixed: string[] = [];
    try {
      await reader.withConnection(async (connection) => {
        for (let read = 0; read < READS; read += 1) {
          try {
            const [row] = await readWhole(store.root, 'transformed/', (root) =>
              connection.all<{ versions: number; version: number; n: number }>(
                `SELECT count(DISTINCT version) AS versions, min(version) AS version, count(*) AS n FROM read_parquet('${path.join(root, ...KEY.split('/'))}')`,
              ),
            );
            if (row.versions !== 1 || row.n !== rowsOf(row.version)) mixed.push(JSON.stringify(row));
          } catch (error) {
            failures.push((error as Error).message.slice(0, 120));
          }
        }
      });
    } finally {
      writing = false;
      await writes;
    }
    expect(written, 'the writer replaced the file many times during the reads').to.be.greaterThan(20);
    expect(failures, 'reads that failed').to.deep.equal([]);
    expect(mixed, 'reads that saw a mix of versions').to.deep.equal([]);
    expect(await store.list(''), 'the snapshots read are released: the lake holds its one file').to.have.length(1);
  });
});
