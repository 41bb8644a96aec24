import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import { DuckDb } from '../../src/query';
import { loadSql, renderSql } from '../../src/query/sql';
import { lineageKey, yearOfWeek, type ObjectStore } from '../../src/store';
import { readLineage } from '../../src/transform';

const TRANSFORM_SQL = path.join(__dirname, '..', '..', 'src', 'transform', 'sql');

/**
 * Marks chart weeks as committed, as a real transform's lineage rows would (for tests of what reads lineage:
 * gaps, catch-up, the scheduler). Rows already there are kept; the file has the transform's own schema.
 */
export async function commitFakeWeeks(store: ObjectStore, chart: string, weeks: string[]): Promise<void> {
  const duck = await DuckDb.open();
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'chartlake-test-lineage-'));
  try {
    const existing = new Set((await readLineage(store, duck, [chart])).map((run) => run.week));
    const all = [...new Set([...existing, ...weeks])].sort();
    for (const year of [...new Set(all.map(yearOfWeek))]) {
      const file = path.join(work, `${year}.parquet`);
      await duck.withConnection(async (connection) => {
        await connection.runScript(loadSql(TRANSFORM_SQL, 'tables'));
        for (const week of all.filter((candidate) => yearOfWeek(candidate) === year)) {
          await connection.run(
            renderSql(
              `INSERT INTO _lineage VALUES ({{chart}}, {{year}}, CAST({{week}} AS DATE), 'fake', 'raw/x', 'charts-service', 50, 50, false, ['raw/x'], ['x'], 'test', now()::TIMESTAMP, 50, 50, 50, 0, 0, [], NULL)`,
              { chart, year, week },
            ),
          );
        }
        await connection.run(renderSql(`COPY (SELECT * EXCLUDE (chart, year) FROM _lineage ORDER BY week) TO {{file}} (FORMAT parquet)`, { file }));
      });
      await store.put(lineageKey({ chart, year }), await fs.readFile(file));
    }
  } finally {
    duck.close();
    await fs.rm(work, { recursive: true, force: true });
  }
}
