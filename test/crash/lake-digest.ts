import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { DuckDb } from '../../src/query';
import { renderSql } from '../../src/query/sql';
import { FsStore, LINEAGE_TABLE } from '../../src/store';
import { TABLES } from '../../src/transform';
import { listRuns } from '../../src/quality';

/** Per table and chart week: row count and an order-independent checksum of every row. */
export type LakeDigest = Record<string, { rows: number; checksum: string }>;

/**
 * What a reader of the lake sees, reduced to something comparable between two lakes: rows and row checksums per
 * table and week (read from every `*.parquet` a glob finds, as the views would), and lineage row counts.
 * Times (fetched_at, transformed_at) are left out: they differ between two runs by design.
 */
export async function lakeDigest(duck: DuckDb, root: string): Promise<LakeDigest> {
  const digest: LakeDigest = {};
  await duck.withConnection(async (connection) => {
    for (const table of TABLES) {
      const glob = path.join(root, 'transformed', table, '*', '*', '*.parquet');
      if (parquetFiles(path.join(root, 'transformed', table)).length === 0) continue;
      const rows = await connection.all<{ chart: string; week: string; n: number; checksum: string }>(
        renderSql(
          `SELECT chart, CAST(week AS VARCHAR) AS week, count(*) AS n, CAST(sum(hash(CAST(t AS VARCHAR))) AS VARCHAR) AS checksum
           FROM read_parquet({{glob}}, hive_partitioning = true, hive_types = {'chart': VARCHAR, 'week': DATE}) AS t
           GROUP BY ALL`,
          { glob },
        ),
      );
      for (const row of rows) digest[`${table} ${row.chart} ${row.week}`] = { rows: Number(row.n), checksum: row.checksum };
    }
  });
  for (const run of await listRuns(new FsStore(root))) {
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
