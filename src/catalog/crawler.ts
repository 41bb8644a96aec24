import * as path from 'node:path';
import { CATALOG_KEY, PARTITION_KEYS, type Catalog, type CatalogColumn, type CatalogPartition, type CatalogTable, type CatalogVersion, type SchemaDrift } from './types';
import { LINEAGE_TABLE, parsePartitionKey, TRANSFORMED_PREFIX, type ObjectInfo, type ObjectStore } from '../store';
import type { DuckDb } from '../query/duckdb';
import { sqlString } from '../query/sql';
import { localLakeRoot } from '../query/lake-files';

/**
 * The local crawler (what the Glue crawler does on AWS): one table per folder of `transformed/`, partitions from
 * `chart=`/`week=`, each partition's schema from its Parquet footer, a new version per schema change, and type
 * changes reported as drift. Footers are read only for partitions that are new or changed since the last crawl.
 */
export async function crawl(store: ObjectStore, duck: DuckDb, now: Date = new Date()): Promise<Catalog> {
  const previous = await readCatalog(store);
  const root = await localLakeRoot(store);
  const byTable = new Map<string, ObjectInfo[]>();
  for (const object of await store.list(TRANSFORMED_PREFIX)) {
    const parts = parsePartitionKey(object.key);
    if (!parts || parts.table === LINEAGE_TABLE || !parts.file.endsWith('.parquet')) continue;
    const list = byTable.get(parts.table) ?? [];
    list.push(object);
    byTable.set(parts.table, list);
  }

  const tables: Record<string, CatalogTable> = {};
  for (const [name, objects] of [...byTable.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const before = previous?.tables[name];
    const known = new Map((before?.partitions ?? []).map((partition) => [partition.key, partition]));
    const changed = objects.filter((object) => {
      const seen = known.get(object.key);
      return !seen || seen.size !== object.size || seen.last_modified !== object.lastModified.toISOString();
    });
    const schemas = await readSchemas(duck, changed.map((object) => path.join(root, ...object.key.split('/'))), root);
    tables[name] = buildTable(name, objects, known, schemas, before, now);
  }
  const catalog: Catalog = { format: 1, updated_at: now.toISOString(), tables };
  await store.put(CATALOG_KEY, JSON.stringify(catalog, null, 2));
  return catalog;
}

export async function readCatalog(store: ObjectStore): Promise<Catalog | undefined> {
  const body = await store.get(CATALOG_KEY);
  if (!body) return undefined;
  try {
    const catalog = JSON.parse(body.toString('utf8')) as Catalog;
    return catalog.format === 1 ? catalog : undefined;
  } catch {
    return undefined; // A damaged catalog is rebuilt by the next crawl.
  }
}

/**
 * Columns per file, from the Parquet footers: DuckDB's own reading of each footer (DESCRIBE reads only the
 * footer), so logical types (DATE, TIMESTAMP, DECIMAL, lists, structs) are named exactly as the views will see
 * them. Files are described in batches of one UNION ALL query each. Keys of the result are lake keys.
 */
async function readSchemas(duck: DuckDb, files: string[], root: string): Promise<Map<string, CatalogColumn[]>> {
  const schemas = new Map<string, CatalogColumn[]>();
  const BATCH = 200;
  for (let start = 0; start < files.length; start += BATCH) {
    const batch = files.slice(start, start + BATCH);
    const sql = batch
      .map((file, index) => `SELECT ${start + index} AS file_index, column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(${sqlString(file)}, hive_partitioning = false))`)
      .join('\nUNION ALL\n');
    const rows = await duck.withConnection((connection) => connection.all<{ file_index: number; column_name: string; column_type: string }>(sql));
    // DESCRIBE lists a file's columns in footer order, and UNION ALL keeps each branch's order.
    for (const row of rows) {
      const key = path.relative(root, files[row.file_index]).split(path.sep).join('/');
      const columns = schemas.get(key) ?? [];
      columns.push({ name: row.column_name, type: row.column_type });
      schemas.set(key, columns);
    }
  }
  return schemas;
}

function signature(columns: CatalogColumn[]): string {
  return columns.map((column) => `${column.name}:${column.type}`).join(',');
}

function buildTable(
  name: string,
  objects: ObjectInfo[],
  known: Map<string, CatalogPartition>,
  schemas: Map<string, CatalogColumn[]>,
  before: CatalogTable | undefined,
  now: Date,
): CatalogTable {
  const versions = [...(before?.versions ?? [])];
  const versionOf = (columns: CatalogColumn[]): number => {
    const found = versions.find((version) => signature(version.columns) === signature(columns));
    if (found) return found.version;
    const previous = versions[versions.length - 1];
    const version = { version: versions.length + 1, columns, created_at: now.toISOString(), change: describeChange(previous?.columns, columns) };
    versions.push(version);
    return version.version;
  };

  const partitions: CatalogPartition[] = objects.map((object) => {
    const parts = parsePartitionKey(object.key)!;
    const columns = schemas.get(object.key);
    const version = columns ? versionOf(columns) : known.get(object.key)!.version;
    return { chart: parts.chart, week: parts.week, key: object.key, size: object.size, last_modified: object.lastModified.toISOString(), version };
  });

  const drift = findDrift(versions, partitions);
  const excluded = new Set(drift.flatMap((item) => item.excluded));
  for (const partition of partitions) if (excluded.has(partition.key)) partition.drifted = true;

  // The table's columns: every column of every version that still has partitions, in first-seen order, with
  // its established type (a drifted type never becomes the table's).
  const live = new Set(partitions.map((partition) => partition.version));
  const established = new Map(drift.map((item) => [item.column, item.expected]));
  const columns: CatalogColumn[] = [];
  for (const version of versions.filter((candidate) => live.has(candidate.version))) {
    for (const column of version.columns) {
      if (!columns.some((existing) => existing.name === column.name)) columns.push({ name: column.name, type: established.get(column.name) ?? column.type });
    }
  }
  return {
    name,
    location: `${TRANSFORMED_PREFIX}${name}/`,
    partition_keys: PARTITION_KEYS,
    columns,
    versions,
    partitions,
    drift,
  };
}

function describeChange(before: CatalogColumn[] | undefined, after: CatalogColumn[]): string {
  if (!before) return 'first version';
  const added = after.filter((column) => !before.some((old) => old.name === column.name)).map((column) => column.name);
  const removed = before.filter((column) => !after.some((now) => now.name === column.name)).map((column) => column.name);
  const retyped = after
    .filter((column) => before.some((old) => old.name === column.name && old.type !== column.type))
    .map((column) => `${column.name} ${before.find((old) => old.name === column.name)!.type} → ${column.type}`);
  return [
    added.length ? `added ${added.join(', ')}` : '',
    removed.length ? `removed ${removed.join(', ')}` : '',
    retyped.length ? `type changed: ${retyped.join(', ')}` : '',
  ].filter(Boolean).join('; ') || 'column order changed';
}

/**
 * A column with more than one type among the partitions that exist now (a version whose partitions were all
 * rewritten no longer counts). The established type is the one of the oldest such version: a newcomer with
 * another type is what drifted, and its partitions are left out of the view rather than cast.
 */
function findDrift(versions: CatalogVersion[], partitions: CatalogPartition[]): SchemaDrift[] {
  const live = new Set(partitions.map((partition) => partition.version));
  const typesByColumn = new Map<string, Map<string, number[]>>();
  for (const version of [...versions].sort((a, b) => a.version - b.version)) {
    if (!live.has(version.version)) continue;
    for (const column of version.columns) {
      const types = typesByColumn.get(column.name) ?? new Map<string, number[]>();
      types.set(column.type, [...(types.get(column.type) ?? []), version.version]);
      typesByColumn.set(column.name, types);
    }
  }
  const drift: SchemaDrift[] = [];
  for (const [column, types] of typesByColumn) {
    if (types.size < 2) continue;
    const [expected] = types.keys(); // Map keeps insertion order: the oldest live version's type comes first.
    const keysOf = (inVersions: number[]) => partitions.filter((partition) => inVersions.includes(partition.version)).map((partition) => partition.key);
    const listed = [...types.entries()].map(([type, inVersions]) => ({ type, partitions: keysOf(inVersions) }));
    drift.push({ column, expected, types: listed, excluded: listed.filter((item) => item.type !== expected).flatMap((item) => item.partitions) });
  }
  return drift;
}
