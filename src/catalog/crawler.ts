import { createHash } from 'node:crypto';
import { LINEAGE_TABLE, parsePartitionKey, TRANSFORMED_PREFIX, type ObjectInfo, type ObjectStore } from '../store';
import type { DuckDb } from '../query/duckdb';
import { localLakeRoot } from '../query/lake-files';
import { readSchemas } from './footers';
import { readPartitionList, readPartitionLists, writePartitionList } from './partition-lists';
import {
  CATALOG_KEY,
  PARTITION_KEYS,
  partitionListKey,
  type Catalog,
  type CatalogChart,
  type CatalogColumn,
  type CatalogPartition,
  type CatalogTable,
  type CatalogVersion,
  type SchemaDrift,
} from './types';

export interface CrawlOptions {
  /**
   * Partition keys written (or deleted) since the last crawl, e.g. what a transform just wrote. Only these
   * are looked at: their footers are read, their table/chart partition lists rewritten, and `catalog.json`
   * (which does not list partitions) rewritten, so the cost does not grow with the lake. Without it (or when
   * there is no catalog yet) the crawl is full: every partition is listed, and footers are read for those new or
   * changed since the last crawl.
   */
  changedKeys?: readonly string[];
  now?: Date;
}

/**
 * The local crawler (what the Glue crawler does on AWS): one table per folder of `transformed/`, partitions from
 * `chart=`/`week=`, each partition's schema from its Parquet footer, a new version per schema change, and type
 * changes reported as drift.
 */
export async function crawl(store: ObjectStore, duck: DuckDb, options: CrawlOptions = {}): Promise<Catalog> {
  const now = options.now ?? new Date();
  const previous = await readCatalog(store);
  const root = await localLakeRoot(store);
  const incremental = previous !== undefined && options.changedKeys !== undefined;

  // What each table/chart holds now: the whole listing (full crawl) or the changed keys' heads (incremental).
  const seen = new Map<string, Map<string, Map<string, ObjectInfo | undefined>>>();
  const note = (key: string, object: ObjectInfo | undefined) => {
    const parts = parsePartitionKey(key);
    if (!parts || parts.table === LINEAGE_TABLE || !parts.file.endsWith('.parquet')) return;
    const charts = seen.get(parts.table) ?? new Map<string, Map<string, ObjectInfo | undefined>>();
    const objects = charts.get(parts.chart) ?? new Map<string, ObjectInfo | undefined>();
    objects.set(key, object);
    charts.set(parts.chart, objects);
    seen.set(parts.table, charts);
  };
  if (incremental) {
    for (const key of new Set(options.changedKeys)) note(key, await store.head(key));
  } else {
    for (const object of await store.list(TRANSFORMED_PREFIX)) note(object.key, object);
  }

  const tables: Record<string, CatalogTable> = incremental ? { ...previous.tables } : {};
  const names = new Set([...seen.keys(), ...(incremental ? [] : Object.keys(previous?.tables ?? {}))]);
  const lists: { key: string; list: CatalogPartition[] | undefined }[] = [];
  for (const name of [...names].sort()) {
    const before = previous?.tables[name];
    const charts = seen.get(name) ?? new Map<string, Map<string, ObjectInfo | undefined>>();
    const scope = incremental ? [...charts.keys()] : [...new Set([...charts.keys(), ...Object.keys(before?.charts ?? {})])];
    const updated = await crawlTable(store, duck, root, { name, before, charts, scope, incremental, now });
    lists.push(...updated.lists);
    if (updated.table.partitions > 0) tables[name] = updated.table;
    else delete tables[name];
  }
  for (const { key, list } of lists) await writePartitionList(store, key, list);
  const sorted = Object.fromEntries(Object.entries(tables).sort(([a], [b]) => a.localeCompare(b)));
  const catalog: Catalog = { format: 2, updated_at: now.toISOString(), tables: sorted };
  await store.put(CATALOG_KEY, JSON.stringify(catalog, null, 2));
  return catalog;
}

export async function readCatalog(store: ObjectStore): Promise<Catalog | undefined> {
  const body = await store.get(CATALOG_KEY);
  if (!body) return undefined;
  try {
    const catalog = JSON.parse(body.toString('utf8')) as Catalog;
    // An older format (partitions inline) or a damaged catalog is rebuilt by the next (full) crawl.
    return catalog.format === 2 ? catalog : undefined;
  } catch {
    return undefined;
  }
}

interface TableCrawl {
  name: string;
  before: CatalogTable | undefined;
  /** Per chart: key → object now (undefined: gone). */
  charts: Map<string, Map<string, ObjectInfo | undefined>>;
  /** The charts whose partition lists are rebuilt. */
  scope: string[];
  incremental: boolean;
  now: Date;
}

async function crawlTable(
  store: ObjectStore,
  duck: DuckDb,
  root: string,
  { name, before, charts, scope, incremental, now }: TableCrawl,
): Promise<{ table: CatalogTable; lists: { key: string; list: CatalogPartition[] | undefined }[] }> {
  const versions: CatalogVersion[] = (before?.versions ?? []).map((version) => ({ ...version, partitions: incremental ? version.partitions : 0 }));
  const versionOf = (columns: CatalogColumn[]): CatalogVersion => {
    const found = versions.find((version) => signature(version.columns) === signature(columns));
    if (found) return found;
    const version = { version: versions.length + 1, columns, created_at: now.toISOString(), change: describeChange(versions[versions.length - 1]?.columns, columns), partitions: 0 };
    versions.push(version);
    return version;
  };
  const byNumber = (number: number) => versions.find((version) => version.version === number)!;

  // The old and new partition lists of the charts in scope; footers only for new or changed files.
  const oldLists = new Map<string, CatalogPartition[]>();
  const newObjects = new Map<string, ObjectInfo[]>();
  const changed: string[] = [];
  for (const chart of scope) {
    const old = (await readPartitionList(store, partitionListKey(name, chart))) ?? [];
    oldLists.set(chart, old);
    const known = new Map(old.map((partition) => [partition.key, partition]));
    const objects = charts.get(chart) ?? new Map<string, ObjectInfo | undefined>();
    const current = incremental ? new Map(old.map((partition) => [partition.key, toObject(partition)])) : new Map<string, ObjectInfo>();
    for (const [key, object] of objects) {
      if (object) current.set(key, object);
      else current.delete(key);
    }
    const list = [...current.values()].sort((a, b) => a.key.localeCompare(b.key));
    newObjects.set(chart, list);
    for (const object of list) {
      const seen = known.get(object.key);
      if (!seen || seen.size !== object.size || seen.last_modified !== object.lastModified.toISOString()) changed.push(object.key);
    }
  }
  const schemas = await readSchemas(duck, changed, root);

  const newLists = new Map<string, CatalogPartition[]>();
  for (const chart of scope) {
    const old = oldLists.get(chart)!;
    const known = new Map(old.map((partition) => [partition.key, partition]));
    if (incremental) for (const partition of old) byNumber(partition.version).partitions -= 1;
    const list = newObjects.get(chart)!.map((object): CatalogPartition => {
      const parts = parsePartitionKey(object.key)!;
      const columns = schemas.get(object.key);
      const version = columns ? versionOf(columns).version : known.get(object.key)!.version;
      byNumber(version).partitions += 1;
      return { chart: parts.chart, week: parts.week, key: object.key, size: object.size, last_modified: object.lastModified.toISOString(), version };
    });
    newLists.set(chart, list);
  }

  // Drift needs every partition's version (to name them): only then, and while drift lasts, are all of this
  // table's lists read. A lake without drift never pays for it.
  let drift = findDriftTypes(versions);
  if (drift.length > 0 || (before?.drift.length ?? 0) > 0) {
    for (const chart of Object.keys(before?.charts ?? {})) {
      if (newLists.has(chart)) continue;
      const list = (await readPartitionList(store, partitionListKey(name, chart))) ?? [];
      oldLists.set(chart, list);
      newLists.set(chart, list.map((partition) => ({ ...partition })));
    }
    const all = [...newLists.values()].flat().sort((a, b) => a.key.localeCompare(b.key));
    const named = nameDrift(drift, all);
    const excluded = new Set(named.flatMap((item) => item.excluded));
    for (const partition of all) {
      if (excluded.has(partition.key)) partition.drifted = true;
      else delete partition.drifted;
    }
    drift = named;
  }

  const lists: { key: string; list: CatalogPartition[] | undefined }[] = [];
  const chartSummaries: Record<string, CatalogChart> = incremental ? { ...(before?.charts ?? {}) } : {};
  for (const [chart, list] of newLists) {
    if (JSON.stringify(list) !== JSON.stringify(oldLists.get(chart))) lists.push({ key: partitionListKey(name, chart), list: list.length > 0 ? list : undefined });
    if (list.length > 0) chartSummaries[chart] = summarize(list);
    else delete chartSummaries[chart];
  }

  // The table's columns: every column of every version that still has partitions, in first-seen order, with
  // its established type (a drifted type never becomes the table's).
  const established = new Map(drift.map((item) => [item.column, item.expected]));
  const columns: CatalogColumn[] = [];
  for (const version of versions.filter((candidate) => candidate.partitions > 0)) {
    for (const column of version.columns) {
      if (!columns.some((existing) => existing.name === column.name)) columns.push({ name: column.name, type: established.get(column.name) ?? column.type });
    }
  }
  const charts_ = Object.fromEntries(Object.entries(chartSummaries).sort(([a], [b]) => a.localeCompare(b)));
  const table: CatalogTable = {
    name,
    location: `${TRANSFORMED_PREFIX}${name}/`,
    partition_keys: PARTITION_KEYS,
    columns,
    versions,
    partitions: Object.values(charts_).reduce((sum, chart) => sum + chart.partitions, 0),
    charts: charts_,
    drift,
  };
  return { table, lists };
}

function toObject(partition: CatalogPartition): ObjectInfo {
  return { key: partition.key, size: partition.size, lastModified: new Date(partition.last_modified) };
}

function summarize(list: CatalogPartition[]): CatalogChart {
  const weeks = list.map((partition) => partition.week).sort();
  const fingerprint = createHash('sha256').update(JSON.stringify(list)).digest('hex').slice(0, 16);
  return { partitions: list.length, first_week: weeks[0], last_week: weeks[weeks.length - 1], fingerprint };
}

function signature(columns: CatalogColumn[]): string {
  return columns.map((column) => `${column.name}:${column.type}`).join(',');
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
 * A column with more than one type among the versions that have partitions now (a version whose partitions were
 * all rewritten no longer counts). The established type is the one of the oldest such version: a newcomer with
 * another type is what drifted, and its partitions are left out of the view rather than cast. Partitions are
 * named later (`nameDrift`), only when there is drift.
 */
function findDriftTypes(versions: CatalogVersion[]): SchemaDrift[] {
  const typesByColumn = new Map<string, Map<string, number[]>>();
  for (const version of [...versions].sort((a, b) => a.version - b.version)) {
    if (version.partitions <= 0) continue;
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
    drift.push({ column, expected, types: [...types.entries()].map(([type, inVersions]) => ({ type, partitions: inVersions.map(String) })), excluded: [] });
  }
  return drift;
}

/** Fills in the partition keys of each drifted type (`types[].partitions` held version numbers until now). */
function nameDrift(drift: SchemaDrift[], partitions: CatalogPartition[]): SchemaDrift[] {
  return drift.map((item) => {
    const listed = item.types.map(({ type, partitions: inVersions }) => ({
      type,
      partitions: partitions.filter((partition) => inVersions.includes(String(partition.version))).map((partition) => partition.key),
    }));
    return { ...item, types: listed, excluded: listed.filter((entry) => entry.type !== item.expected).flatMap((entry) => entry.partitions) };
  });
}

