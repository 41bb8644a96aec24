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
}

export interface CatalogVersion {
  version: number;
  columns: CatalogColumn[];
  /** When the crawler first saw this schema. */
  created_at: string;
  /** What changed against the previous version. */
  change: string;
}

/** A column whose type differs between partitions: reported, never cast silently. */
export interface SchemaDrift {
  column: string;
  types: { type: string; partitions: string[] }[];
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
