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

export interface CatalogTable {
  name: string;
  location: string;
  partition_keys: CatalogColumn[];
  /** Columns of the newest version (a union: a column added later is null in older partitions). */
  columns: CatalogColumn[];
  versions: CatalogVersion[];
  partitions: CatalogPartition[];
  drift: SchemaDrift[];
}

export interface Catalog {
  format: 1;
  updated_at: string;
  tables: Record<string, CatalogTable>;
}

export const CATALOG_KEY = 'catalog.json';
export const PARTITION_KEYS: CatalogColumn[] = [
  { name: 'chart', type: 'VARCHAR' },
  { name: 'week', type: 'DATE' },
];
