import * as path from 'node:path';
import { CATALOG_KEY, PARTITION_KEYS, type Catalog, type CatalogColumn, type CatalogPartition, type CatalogTable, type SchemaDrift } from './types';
import { LINEAGE_TABLE, parsePartitionKey, TRANSFORMED_PREFIX, type ObjectInfo, type ObjectStore } from '../store';
import type { DuckDb } from '../query/duckdb';
import { renderSql } from '../query/sql';
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

/** Columns per file, from the Parquet footers, in one DuckDB query. Keys of the result are lake keys. */
async function readSchemas(duck: DuckDb, files: string[], root: string): Promise<Map<string, CatalogColumn[]>> {
  const schemas = new Map<string, CatalogColumn[]>();
  if (files.length === 0) return schemas;
  const rows = await duck.withConnection((connection) =>
    connection.all<{ file: string; columns: string }>(
      renderSql(
        `SELECT file_name AS file, to_json(list({'name': name, 'type': type})) AS columns
         FROM (
           SELECT file_name, name,
             CASE
               WHEN converted_type = 'LIST' THEN 'LIST'
               WHEN converted_type = 'DATE' OR logical_type LIKE '%DateType%' THEN 'DATE'
               WHEN type = 'INT32' THEN 'INTEGER'
               WHEN type = 'INT64' THEN 'BIGINT'
               WHEN type = 'BYTE_ARRAY' THEN 'VARCHAR'
               WHEN type IS NULL THEN 'GROUP'
               ELSE type
             END AS type
           FROM parquet_schema({{files}})
         )
         GROUP BY file_name`,
        { files },
      ),
    ),
  );
  for (const row of rows) {
    const key = path.relative(root, row.file).split(path.sep).join('/');
    schemas.set(key, normaliseLists(JSON.parse(row.columns) as CatalogColumn[]));
  }
  return schemas;
}

/**
 * parquet_schema lists the root node first, and a LIST column as three nodes (the column, `list`, `element`);
 * fold those into one `<element type>[]` column. list() keeps the footer's order within a file.
 */
function normaliseLists(nodes: CatalogColumn[]): CatalogColumn[] {
  const columns: CatalogColumn[] = [];
  for (let index = 1; index < nodes.length; index += 1) {
    const node = nodes[index];
    if (node.type === 'LIST' && nodes[index + 1]?.name === 'list' && nodes[index + 2]) {
      columns.push({ name: node.name, type: `${nodes[index + 2].type}[]` });
      index += 2;
    } else {
      columns.push(node);
    }
  }
  return columns;
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

  // The table's columns: every column of every version, in first-seen order, with its newest type.
  const columns: CatalogColumn[] = [];
  for (const version of versions) {
    for (const column of version.columns) {
      const at = columns.findIndex((existing) => existing.name === column.name);
      if (at === -1) columns.push(column);
      else columns[at] = column;
    }
  }
  return {
    name,
    location: `${TRANSFORMED_PREFIX}${name}/`,
    partition_keys: PARTITION_KEYS,
    columns,
    versions,
    partitions,
    drift: findDrift(versions, partitions),
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

function findDrift(versions: { version: number; columns: CatalogColumn[] }[], partitions: CatalogPartition[]): SchemaDrift[] {
  const typesByColumn = new Map<string, Map<string, number[]>>();
  for (const version of versions) {
    for (const column of version.columns) {
      const types = typesByColumn.get(column.name) ?? new Map<string, number[]>();
      types.set(column.type, [...(types.get(column.type) ?? []), version.version]);
      typesByColumn.set(column.name, types);
    }
  }
  const drift: SchemaDrift[] = [];
  for (const [column, types] of typesByColumn) {
    if (types.size < 2) continue;
    drift.push({
      column,
      types: [...types.entries()].map(([type, inVersions]) => ({
        type,
        partitions: partitions.filter((partition) => inVersions.includes(partition.version)).map((partition) => partition.key),
      })),
    });
  }
  return drift;
}
