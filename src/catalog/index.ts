export { crawl, readCatalog, type CrawlOptions } from './crawler';
export { readPartitionLists, readAllPartitions } from './partition-lists';
export { queryCachePath } from './query-cache';
export { createLakeViews, LATEST_VIEWS } from './views';
export { openLakeEngine, type OpenLakeOptions } from './lake';
export { describeDrift } from './drift-report';
export { CATALOG_KEY, PARTITION_LISTS_PREFIX, partitionListKey } from './types';
export type { Catalog, CatalogTable, CatalogColumn, CatalogPartition, CatalogVersion, SchemaDrift, CatalogChart, PartitionList } from './types';
