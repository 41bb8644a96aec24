export { crawl, readCatalog, type CrawlOptions } from './crawler';
export { createLakeViews, LATEST_VIEWS } from './views';
export { openLakeEngine, type OpenLakeOptions } from './lake';
export { describeDrift } from './drift-report';
export { CATALOG_KEY } from './types';
export type { Catalog, CatalogTable, CatalogColumn, CatalogPartition, CatalogVersion, SchemaDrift, CatalogChart } from './types';
