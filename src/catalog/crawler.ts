import { byKey, isCatalogTable, lakeLockKey, parseTableFileKey, TRANSFORMED_PREFIX, withLocks, type ObjectInfo, type ObjectStore } from '../store';
import type { DuckDb } from '../query/duckdb';
import { localLakeRoot, readWhole } from '../query/lake-files';
import { readSchemas } from './footers';
import {
  CATALOG_KEY,
  PARTITION_KEYS,
  type Catalog,
  type CatalogChart,
  type CatalogColumn,
  type CatalogPartition,
  type CatalogTable,
  type CatalogVersion,
  type SchemaDrift,
} from './types';

export interface CrawlOptions {
  now?: Date;
  /**
   * The only folders (key prefixes) whose files may have changed since the last crawl: an import names its charts'
   * folders and the lake-wide tables'. Only those are listed again; the catalog keeps its other partitions as they
   * were (a full lake is ~1,300 files, a chart's ~20). Without a catalog yet, everything is listed.
   */
  changed?: readonly string[];
}

/**
 * The local crawler (what the Glue crawler does on AWS): one table per folder of `transformed/`, one partition per
 * file (`chart=`/`year=`, or none for a lake-wide table), each file's schema from its Parquet footer (read again
 * only when the file changed since the last crawl), a new version per schema change, and type changes reported as
 * drift. The catalog is derived from the files alone, so a crawl repairs whatever state `catalog.json` is in; crawls
 * are serialised by a lake lock, and `catalog.json` is one object written whole, so a kill leaves the old or the new.
 */
export async function crawl(store: ObjectStore, duck: DuckDb, options: CrawlOptions = {}): Promise<Catalog> {
  const lock = { key: lakeLockKey('crawl'), subject: { chart: 'lake', week: 'catalog' } };
  return withLocks(store, [lock], 'crawl', () => crawlLocked(store, duck, options.now ?? new Date(), options.changed), { waitMs: 5 * 60_000 });
}

async function crawlLocked(store: ObjectStore, duck: DuckDb, now: Date, changedPrefixes?: readonly string[]): Promise<Catalog> {
  const previous = await readCatalog(store);
  const root = await localLakeRoot(store);
  const files = new Map<string, ObjectInfo[]>();
  for (const object of await listTableFiles(store, previous, changedPrefixes)) {
    const parts = parseTableFileKey(object.key);
    if (!parts || !parts.file.endsWith('.parquet') || !isCatalogTable(parts.table)) continue;
    const ofTable = files.get(parts.table);
    if (ofTable) ofTable.push(object);
    else files.set(parts.table, [object]);
  }
  // Footers only for files new or changed since the last crawl.
  const known = new Map<string, CatalogPartition>();
  for (const table of Object.values(previous?.tables ?? {})) for (const partition of table.partitions) known.set(partition.key, partition);
  const changed = [...files.values()].flat().filter((object) => {
    const seen = known.get(object.key);
    return !seen || seen.size !== object.size || seen.last_modified !== object.lastModified.toISOString();
  });
  // Footers are read whole (another import may replace a file meanwhile); a file replaced after the listing is
  // catalogued with its older size and time and the newer schema, and read again by the next crawl.
  const keys = changed.map((object) => object.key);
  const schemas = await readWhole(root, TRANSFORMED_PREFIX, (from) => readSchemas(duck, keys, from), keys);

  const tables: Record<string, CatalogTable> = {};
  for (const name of [...files.keys()].sort()) {
    const table = crawlTable(name, files.get(name)!, previous?.tables[name], known, schemas, now);
    if (table.partitions.length > 0) tables[name] = table;
  }
  const catalog: Catalog = { format: 3, updated_at: now.toISOString(), tables };
  await store.put(CATALOG_KEY, JSON.stringify(catalog, null, 2));
  return catalog;
}

/**
 * The files of transformed/: all of them, or, with a catalog and the prefixes that changed since it was written,
 * those prefixes' files and the catalog's partitions elsewhere.
 */
async function listTableFiles(store: ObjectStore, previous: Catalog | undefined, changed: readonly string[] | undefined): Promise<ObjectInfo[]> {
  if (!previous || !changed) return store.list(TRANSFORMED_PREFIX);
  const prefixes = [...new Set(changed)].filter((prefix, _, all) => !all.some((other) => other !== prefix && prefix.startsWith(other)));
  const inChanged = (key: string) => prefixes.some((prefix) => key.startsWith(prefix));
  const kept = Object.values(previous.tables).flatMap((table) =>
    table.partitions.filter((partition) => !inChanged(partition.key)).map((partition): ObjectInfo => ({ key: partition.key, size: partition.size, lastModified: new Date(partition.last_modified) })),
  );
  const listed = (await Promise.all(prefixes.map((prefix) => store.list(prefix)))).flat();
  return [...kept, ...listed];
}

/** The catalog as last crawled, or undefined when there is none or it cannot be read (the next crawl rebuilds it). */
export async function readCatalog(store: ObjectStore): Promise<Catalog | undefined> {
  const body = await store.get(CATALOG_KEY);
  if (!body) return undefined;
  try {
    const catalog = JSON.parse(body.toString('utf8')) as Catalog;
    return catalog.format === 3 && typeof catalog.tables === 'object' && catalog.tables !== null ? catalog : undefined;
  } catch {
    return undefined;
  }
}

function crawlTable(
  name: string,
  objects: ObjectInfo[],
  before: CatalogTable | undefined,
  known: Map<string, CatalogPartition>,
  schemas: Map<string, CatalogColumn[]>,
  now: Date,
): CatalogTable {
  const versions: CatalogVersion[] = (before?.versions ?? []).map((version) => ({ ...version, partitions: 0 }));
  const versionOf = (columns: CatalogColumn[]): CatalogVersion => {
    const found = versions.find((version) => signature(version.columns) === signature(columns));
    if (found) return found;
    const version = { version: versions.length + 1, columns, created_at: now.toISOString(), change: describeChange(versions[versions.length - 1]?.columns, columns), partitions: 0 };
    versions.push(version);
    return version;
  };
  const partitions: CatalogPartition[] = [];
  for (const object of [...objects].sort(byKey)) {
    const parts = parseTableFileKey(object.key)!;
    const columns = schemas.get(object.key);
    const old = known.get(object.key);
    // A file whose footer could not be read now and was never read before is not catalogued (it is being written).
    const version = columns ? versionOf(columns) : old ? versions.find((candidate) => candidate.version === old.version) : undefined;
    if (!version) continue;
    version.partitions += 1;
    partitions.push({
      ...(parts.chart !== undefined ? { chart: parts.chart, year: parts.year } : {}),
      key: object.key,
      size: object.size,
      last_modified: object.lastModified.toISOString(),
      version: version.version,
    });
  }

  const drift = nameDrift(findDriftTypes(versions), partitions);
  const excluded = new Set(drift.flatMap((item) => item.excluded));
  for (const partition of partitions) if (excluded.has(partition.key)) partition.drifted = true;

  // The table's columns: every column of every version that still has files, in first-seen order, with its
  // established type (a drifted type never becomes the table's).
  const established = new Map(drift.map((item) => [item.column, item.expected]));
  const columns: CatalogColumn[] = [];
  for (const version of versions.filter((candidate) => candidate.partitions > 0)) {
    for (const column of version.columns) {
      if (!columns.some((existing) => existing.name === column.name)) columns.push({ name: column.name, type: established.get(column.name) ?? column.type });
    }
  }
  const charts: Record<string, CatalogChart> = {};
  for (const partition of partitions) {
    if (partition.chart === undefined || partition.year === undefined) continue;
    const chart = charts[partition.chart] ?? { partitions: 0, first_year: partition.year, last_year: partition.year };
    chart.partitions += 1;
    chart.first_year = Math.min(chart.first_year, partition.year);
    chart.last_year = Math.max(chart.last_year, partition.year);
    charts[partition.chart] = chart;
  }
  return {
    name,
    location: `${TRANSFORMED_PREFIX}${name}/`,
    partition_keys: partitions.some((partition) => partition.chart !== undefined) ? PARTITION_KEYS : [],
    columns,
    versions,
    partitions,
    charts,
    drift,
  };
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
 * A column with more than one type among the versions that have files now (a version whose files were all
 * rewritten no longer counts). The established type is the one of the oldest such version: a newcomer with another
 * type is what drifted, and its files are left out of the view rather than cast.
 */
function findDriftTypes(versions: CatalogVersion[]): { column: string; expected: string; versions: Map<string, number[]> }[] {
  const typesByColumn = new Map<string, Map<string, number[]>>();
  for (const version of [...versions].sort((a, b) => a.version - b.version)) {
    if (version.partitions <= 0) continue;
    for (const column of version.columns) {
      const types = typesByColumn.get(column.name) ?? new Map<string, number[]>();
      types.set(column.type, [...(types.get(column.type) ?? []), version.version]);
      typesByColumn.set(column.name, types);
    }
  }
  const drift: { column: string; expected: string; versions: Map<string, number[]> }[] = [];
  for (const [column, types] of typesByColumn) {
    if (types.size < 2) continue;
    const [expected] = types.keys(); // Map keeps insertion order: the oldest live version's type comes first.
    drift.push({ column, expected, versions: types });
  }
  return drift;
}

/** Names the files of each drifted type. */
function nameDrift(drift: ReturnType<typeof findDriftTypes>, partitions: CatalogPartition[]): SchemaDrift[] {
  return drift.map((item) => {
    const types = [...item.versions.entries()].map(([type, inVersions]) => ({
      type,
      partitions: partitions.filter((partition) => inVersions.includes(partition.version)).map((partition) => partition.key),
    }));
    return { column: item.column, expected: item.expected, types, excluded: types.filter((entry) => entry.type !== item.expected).flatMap((entry) => entry.partitions) };
  });
}
