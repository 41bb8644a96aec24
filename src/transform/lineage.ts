import * as path from 'node:path';
import type { DuckDb } from '../query/duckdb';
import { localLakeRoot, readWhole } from '../query/lake-files';
import { renderSql } from '../query/sql';
import { FsStore, isChartAlias, LINEAGE_TABLE, parseTableFileKey, tableChartPrefix, TRANSFORMED_PREFIX, type ObjectStore } from '../store';
import type { TransformedWeek } from './handler';

/** A committed chart week, as its lineage row says: what produced it, when, with which code. */
export interface LineageRecord extends TransformedWeek {
  /** The lineage file holding the row. */
  key: string;
  entries: number;
  rawSha256: string[];
  /** Per raw key, a CSV's content SHA-256 (`csvContentSha256`; null for an envelope); absent in older rows. */
  rawContentSha256?: (string | null)[];
  codeVersion: string;
  transformedAt: string;
}

/**
 * Every lineage row of the lake (optionally of some charts), sorted by chart and week. Lineage is the commit
 * record: a week is in the lake when its row is here.
 */
export async function readLineage(store: ObjectStore, duck: DuckDb, charts?: readonly string[]): Promise<LineageRecord[]> {
  const records = await readLineageFiles(store, charts, async (keys, files) => {
    const rows = await duck.withConnection((connection) =>
      connection.all<LineageFileRow>(
        renderSql(
          // Every column: one added later (raw_content_sha256) is in no file of an older lake.
          `SELECT * REPLACE (CAST(week AS VARCHAR) AS week, strftime(transformed_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS transformed_at)
           FROM read_parquet({{files}}, hive_partitioning = true, union_by_name = true, filename = true, hive_types = {'chart': VARCHAR, 'year': INTEGER})
           ORDER BY chart, week`,
          { files },
        ),
      ),
    );
    const keyOf = new Map(files.map((file, index) => [file, keys[index]]));
    return rows.map((row) => ({
      key: keyOf.get(row.filename) ?? row.filename,
      ...toTransformedWeek(row),
      rawSha256: row.raw_sha256,
      ...(row.raw_content_sha256 ? { rawContentSha256: row.raw_content_sha256 } : {}),
      entries: Number(row.entries),
      codeVersion: row.code_version,
      transformedAt: row.transformed_at,
    }));
  });
  return records ?? [];
}

/**
 * The raw keys the committed weeks of `charts` were built from, each with its CSV's content SHA-256 as lineage
 * recorded it (`csvContentSha256`; null for an envelope, or in a row older than the column). What an import checks a
 * file against: only these two columns are read, as flat rows (a chart's lineage rows whole, lists and all, took
 * ~10 ms more on 156 weeks).
 */
export async function readRawContents(store: ObjectStore, duck: DuckDb, charts: readonly string[]): Promise<Map<string, string | null>> {
  const contents = await readLineageFiles(store, charts, async (_keys, files) => {
    const rows = await duck.withConnection((connection) =>
      connection.all<{ raw_key: string; content_sha256: string | null }>(
        renderSql(
          // A lineage file of an older lake has no raw_content_sha256 (the empty branch names it: NULL).
          `SELECT unnest(raw_keys) AS raw_key, unnest(raw_content_sha256) AS content_sha256
           FROM (SELECT * FROM read_parquet({{files}}, union_by_name = true)
                 UNION ALL BY NAME SELECT CAST(NULL AS VARCHAR[]) AS raw_content_sha256 WHERE false)`,
          { files },
        ),
      ),
    );
    return new Map(rows.map((row) => [row.raw_key, row.content_sha256]));
  });
  return contents ?? new Map();
}

/**
 * Runs `read` over the lineage files of the lake (optionally of some charts), by key and local path: of the lake,
 * the local copy of an S3 lake, or a snapshot of either when another import replaced a file meanwhile (each is read
 * whole). Undefined when there are none. Only the charts' folders are listed and watched: adding a week to one chart
 * reads that chart's lineage, not the lake's (a walk of a full lake's lineage is ~10 ms, and it was walked three
 * times).
 */
async function readLineageFiles<T>(store: ObjectStore, charts: readonly string[] | undefined, read: (keys: string[], files: string[]) => Promise<T>): Promise<T | undefined> {
  const lineage = `${TRANSFORMED_PREFIX}${LINEAGE_TABLE}/`;
  const prefixes = charts ? [...new Set(charts)].filter(isChartAlias).map((chart) => tableChartPrefix(LINEAGE_TABLE, chart)) : [lineage];
  if (prefixes.length === 0) return undefined;
  return readWhole(await localLakeRoot(store), lineage, async (root) => {
    const lake = new FsStore(root);
    const keys = (await Promise.all(prefixes.map((prefix) => lake.list(prefix))))
      .flat()
      .map((object) => object.key)
      .filter((key) => {
        const parts = parseTableFileKey(key);
        return parts?.table === LINEAGE_TABLE && parts.chart !== undefined;
      });
    return keys.length === 0 ? undefined : read(keys, keys.map((key) => path.join(root, ...key.split('/'))));
  }, prefixes);
}

/** A lineage row as DuckDB returns it (the columns both the transform and `readLineage` read). */
export type LineageRow = {
  chart: string;
  week: string;
  run_id: string;
  source_key: string;
  source_kind: string;
  depth: number;
  enriched: boolean;
  raw_keys: string[];
  chart_entries_rows: number;
  tracks_rows: number;
  track_artists_rows: number;
  albums_rows: number;
  artists_rows: number;
  warnings: { check_name: string; detail: string }[];
};

/** A lineage row as the transform reports the week it wrote. */
export function toTransformedWeek(row: LineageRow): TransformedWeek {
  return {
    chart: row.chart,
    week: row.week,
    runId: row.run_id,
    rawKeys: row.raw_keys,
    sourceKey: row.source_key,
    sourceKind: row.source_kind,
    depth: Number(row.depth),
    enriched: row.enriched,
    rows: {
      chart_entries: Number(row.chart_entries_rows),
      tracks: Number(row.tracks_rows),
      track_artists: Number(row.track_artists_rows),
      albums: Number(row.albums_rows),
      artists: Number(row.artists_rows),
    },
    warnings: row.warnings.map((warning) => ({ check: warning.check_name, detail: warning.detail })),
  };
}


/** A row of a lineage file as `readLineage` reads it: the transform's columns and the file it lies in. */
type LineageFileRow = LineageRow & {
  entries: number;
  raw_sha256: string[];
  raw_content_sha256?: (string | null)[] | null;
  code_version: string;
  transformed_at: string;
  filename: string;
};
