import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { crawl, openLakeEngine, readCatalog, type Catalog } from '../../src/catalog';
import { DuckDb } from '../../src/query';
import { FsStore } from '../../src/store';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'chartlake.js');
const ROUNDS = 20;
const WRITERS = 3;
/** Rounds per lake: every lake starts empty (the first imports into a new lake race too), then fills up. */
const ROUNDS_PER_LAKE = 10;

/** Runs `chartlake import <file> --lake <lake>` as its own process; resolves with its exit code and stderr. */
function importInChild(file: string, lake: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'import', file, '--lake', lake], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** What a catalog says about the files: per table, each file's key, size and time (versions' dates aside). */
function filesOf(catalog: Catalog | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const table of Object.values(catalog?.tables ?? {})) out[table.name] = table.partitions.map((p) => `${p.key} ${p.size} ${p.last_modified} v${p.version}`).sort();
  return out;
}

/**
 * Issue 14.2: three imports of different weeks into one lake at once, as separate processes, 20 rounds. After each
 * round the catalog the writers left equals a full crawl of the files, and the views show exactly the weeks
 * imported so far (all weeks of a chart-year share a file and its lock, so the writers truly contend).
 */
describe('concurrent writers: three imports at once never lose a week', function () {
  this.timeout(300_000);
  let dir: string;
  let duck: DuckDb;
  const weeks = () => readdirSync(US_2023).filter((name) => name.endsWith('.csv')).sort();

  before(async function () {
    requireShared(this);
    (require('../../scripts/build.js') as { ensureBuilt(options?: { quiet?: boolean }): boolean }).ensureBuilt({ quiet: true });
    dir = tempDir('concurrent');
    duck = await DuckDb.open();
  });
  after(() => {
    duck?.close();
    if (dir) removeDir(dir);
  });

  it(`${ROUNDS} rounds of ${WRITERS} child-process imports: catalog = full crawl, views = expected weeks`, async () => {
    const names = weeks();
    let expected: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const lake = path.join(dir, `lake-${Math.floor(round / ROUNDS_PER_LAKE)}`);
      if (round % ROUNDS_PER_LAKE === 0) expected = [];
      const files = Array.from({ length: WRITERS }, (_, writer) => names[(round * WRITERS + writer) % names.length]);
      const results = await Promise.all(files.map((file) => importInChild(path.join(US_2023, file), lake)));
      results.forEach((result, index) => expect(result.code, `round ${round}, ${files[index]}: ${result.stderr}`).to.equal(0));
      expected = [...expected, ...files.map((file) => /(\d{4}-\d{2}-\d{2})/.exec(file)![1])].sort();

      const store = new FsStore(lake);
      const left = filesOf(await readCatalog(store));
      const crawled = await crawl(store, duck);
      expect(left, `round ${round}: the catalog the writers left differs from a full crawl`).to.deep.equal(filesOf(crawled));
      const engine = await openLakeEngine(store, { duck });
      try {
        const seen = await engine.query('SELECT CAST(week AS VARCHAR) AS week, count(*) AS n FROM chart_entries GROUP BY week ORDER BY week');
        expect(seen.rows.map((row) => row.week), `round ${round}`).to.deep.equal(expected);
        expect(seen.rows.every((row) => row.n === 200), `round ${round}: 200 entries a week`).to.equal(true);
        const runs = await engine.query('SELECT count(*) AS n FROM _runs');
        expect(runs.rows[0].n, `round ${round}: one lineage row a week`).to.equal(expected.length);
      } finally {
        await engine.close();
      }
    }
  });
});
