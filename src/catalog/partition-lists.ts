import type { ObjectStore } from '../store';
import { partitionListKey, type Catalog, type CatalogPartition, type CatalogTable, type PartitionList } from './types';

/** One table/chart partition list, or undefined when there is none (or it is damaged: a full crawl rebuilds it). */
export async function readPartitionList(store: ObjectStore, key: string): Promise<CatalogPartition[] | undefined> {
  const body = await store.get(key);
  if (!body) return undefined;
  try {
    return (JSON.parse(body.toString('utf8')) as PartitionList).partitions;
  } catch {
    return undefined;
  }
}

/** Writes a partition list, or deletes it when the chart has no partition left in the table. */
export async function writePartitionList(store: ObjectStore, key: string, partitions: CatalogPartition[] | undefined): Promise<void> {
  if (!partitions || partitions.length === 0) {
    await store.delete(key);
    return;
  }
  const list: PartitionList = { table: partitions[0].key.split('/')[1], chart: partitions[0].chart, partitions };
  await store.put(key, JSON.stringify(list));
}

/** Every partition of a table, in key order (reads one object per chart: for reports, not for the weekly path). */
export async function readPartitionLists(store: ObjectStore, table: CatalogTable): Promise<CatalogPartition[]> {
  const all: CatalogPartition[] = [];
  for (const chart of Object.keys(table.charts)) all.push(...((await readPartitionList(store, partitionListKey(table.name, chart))) ?? []));
  return all.sort((a, b) => a.key.localeCompare(b.key));
}

/** Every partition of every table of the catalog. */
export async function readAllPartitions(store: ObjectStore, catalog: Catalog): Promise<Record<string, CatalogPartition[]>> {
  const result: Record<string, CatalogPartition[]> = {};
  for (const table of Object.values(catalog.tables)) result[table.name] = await readPartitionLists(store, table);
  return result;
}
