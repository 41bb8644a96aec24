export interface CatalogColumn {
  name: string;
  /** DuckDB type name as the Parquet footer declares it (VARCHAR, INTEGER, BIGINT, DATE, BOOLEAN, VARCHAR[]). */
  type: string;
}

export interface CatalogPartition {
  chart: string;
  week: string;
  key: string;
  size: number;
  last_modified: string;
  /** The schema version this partition's file has. */
  version: number;
  /**
   * Set when a column of this partition has another type than the table's established type: the partition is
   * left out of the DuckDB view (named by `chartlake tables --drift`) instead of being cast.
   */
  drifted?: boolean;
}

export interface CatalogVersion {
  version: number;
  columns: CatalogColumn[];
  /** When the crawler first saw this schema. */
  created_at: string;
  /** What changed against the previous version. */
  change: string;
  /** How many partitions have this schema now (0: every one was rewritten since). */
  partitions: number;
}

/**
 * A column whose type differs between partitions: reported, never cast silently. The established type (the
 * one of the oldest schema version that still has partitions) stays the table's; partitions with any other
 * type are left out of the view until they are rewritten (`chartlake replay`) or the old ones are.
 */
export interface SchemaDrift {
  column: string;
  /** The type the table (and its view) keeps. */
  expected: string;
  types: { type: string; partitions: string[] }[];
  /** Partition keys left out of the view because of this column. */
  excluded: string[];
}

/** One chart's partitions of a table, in brief (the full list is in that chart's partition object). */
export interface CatalogChart {
  partitions: number;
  first_week: string;
  last_week: string;
  /** Changes whenever the chart's partition list does (the query cache reloads only charts whose fingerprint moved). */
  fingerprint: string;
}

/**
 * A table in `catalog.json`. The list of partitions is NOT here: it lives in one small object per table and
 * chart (`catalog/partitions/<table>/<chart>.json`, see `partitionListKey`), so that adding a week rewrites
 * objects whose size does not grow with the number of charts, and reading the catalog does not grow with weeks.
 */
export interface CatalogTable {
  name: string;
  location: string;
  partition_keys: CatalogColumn[];
  /** Columns of the newest version (a union: a column added later is null in older partitions). */
  columns: CatalogColumn[];
  versions: CatalogVersion[];
  /** Number of partitions (files) of the table. */
  partitions: number;
  charts: Record<string, CatalogChart>;
  drift: SchemaDrift[];
}

export interface Catalog {
  format: 2;
  updated_at: string;
  tables: Record<string, CatalogTable>;
}

/** The partitions of one table and chart, in week order. */
export interface PartitionList {
  table: string;
  chart: string;
  partitions: CatalogPartition[];
}

export const CATALOG_KEY = 'catalog.json';
/** Where the partition lists live (beside `catalog.json`; nothing else writes below it). */
export const PARTITION_LISTS_PREFIX = 'catalog/partitions/';
export const PARTITION_KEYS: CatalogColumn[] = [
  { name: 'chart', type: 'VARCHAR' },
  { name: 'week', type: 'DATE' },
];

/** The key of a table's partition list for one chart. Table and chart come from parsed partition keys. */
export function partitionListKey(table: string, chart: string): string {
  return `${PARTITION_LISTS_PREFIX}${table}/${chart}.json`;
}
