export interface CatalogColumn {
  name: string;
  /** DuckDB type name as the Parquet footer declares it (VARCHAR, INTEGER, BIGINT, DATE, BOOLEAN, VARCHAR[]). */
  type: string;
}

/** One file of a table: a chart-year of a per-chart table, or the one file of a lake-wide table. */
export interface CatalogPartition {
  /** Hive partitions `chart=` and `year=` (absent for a lake-wide table). */
  chart?: string;
  year?: number;
  key: string;
  size: number;
  last_modified: string;
  /** The schema version this file has. */
  version: number;
  /**
   * Set when a column of this file has another type than the table's established type: the file is left out of
   * the DuckDB view (named by `chartlake tables --drift`) instead of being cast.
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

/** One chart's files of a table, in brief. */
export interface CatalogChart {
  partitions: number;
  first_year: number;
  last_year: number;
}

/** A table in `catalog.json`, with its files (a few per chart and year, so the list stays small). */
export interface CatalogTable {
  name: string;
  location: string;
  /** `chart` and `year` for a per-chart table; none for a lake-wide one. */
  partition_keys: CatalogColumn[];
  /** Columns of the newest version (a union: a column added later is null in older files). */
  columns: CatalogColumn[];
  versions: CatalogVersion[];
  partitions: CatalogPartition[];
  charts: Record<string, CatalogChart>;
  drift: SchemaDrift[];
}

export interface Catalog {
  format: 3;
  updated_at: string;
  tables: Record<string, CatalogTable>;
}

export const CATALOG_KEY = 'catalog.json';
export const PARTITION_KEYS: CatalogColumn[] = [
  { name: 'chart', type: 'VARCHAR' },
  { name: 'year', type: 'INTEGER' },
];
