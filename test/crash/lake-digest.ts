import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { DuckDb } from '../../src/query';
import { openLakeEngine } from '../../src/catalog';
import { FsStore, LINEAGE_TABLE } from '../../src/store';
import { TABLES } from '../../src/transform';
import { listRuns } from '../../src/quality';

/** Per table and chart week: row count and an order-independent checksum of every row. */
export type LakeDigest = Record<string, { rows: number; checksum: string }>;

/**
 * What a reader of the lake sees, reduced to something comparable between two lakes: rows and row checksums per
 * table and week, read through the lake's views (so only committed weeks count, as for any reader), and the
 * lineage's row counts. Run ids and times differ between two runs by design and are left out.
 */
export async function lakeDigest(duck: DuckDb, root: string): Promise<LakeDigest> {
  const digest: LakeDigest = {};
  const store = new FsStore(root);
  if (parquetFiles(path.join(root, 'transformed')).length === 0) return digest;
  const engine = await openLakeEngine(store, { duck, recrawl: true });
  try {
    for (const table of TABLES) {
      const exists = await engine.query(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = '${table}'`);
      if (Number(exists.rows[0].n) === 0) continue;
      const { rows } = await engine.query(
        `SELECT chart, CAST(week AS VARCHAR) AS week, count(*) AS n, CAST(sum(hash(CAST(t AS VARCHAR))) AS VARCHAR) AS checksum FROM ${table} AS t GROUP BY ALL`,
      );
      for (const row of rows) digest[`${table} ${row.chart} ${row.week}`] = { rows: Number(row.n), checksum: String(row.checksum) };
    }
  } finally {
    await engine.close();
  }
  for (const run of await listRuns(store, duck)) {
    for (const [table, rows] of Object.entries(run.rows)) digest[`${LINEAGE_TABLE} ${run.chart} ${run.week} ${table}`] = { rows, checksum: '' };
  }
  return digest;
}

/** Every file below `dir` whose name passes `keep`. */
function filesBelow(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    if (!existsSync(current)) return;
    for (const name of readdirSync(current)) {
      const full = path.join(current, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (keep(name)) out.push(full);
    }
  };
  walk(dir);
  return out;
}

/** Every file below `dir` whose name ends in `.parquet` (what a `*.parquet` glob would read). */
export function parquetFiles(dir: string): string[] {
  return filesBelow(dir, (name) => name.endsWith('.parquet'));
}

/** Leftover temporary files of writes cut short (invisible to the store's list and to the views' globs). */
export function tempFiles(dir: string): string[] {
  return filesBelow(dir, (name) => name.includes('.tmp-'));
}
