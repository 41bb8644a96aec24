import { BatchCreatePartitionCommand, GetTableCommand, type GlueClient, type PartitionInput } from '@aws-sdk/client-glue';
import type { Logger } from '../log';
import { startCrawler, type CrawlerStart } from './crawler';

/**
 * Partition registration after a transform writes, so a new partition is queryable in Athena at once, whatever
 * the crawler is doing. The crawler stays the schema authority (it creates the tables and follows their
 * columns); the transform adds the partitions it wrote to the tables the crawler made, with Glue's
 * BatchCreatePartition (idempotent: AlreadyExists is success). Only when a table does not exist yet (the very
 * first write of a table) is the crawler needed; if it is already running it may have listed S3 before this
 * write, so the batch fails retryably and its redelivery registers the partitions once the table exists.
 */

/** One folder of Parquet files written in the lake, with its Hive partition values (none for a lake-wide table). */
export interface WrittenPartition {
  table: string;
  /** Path below the table's folder, e.g. `chart=regional-us-weekly/year=2023/`; '' for an unpartitioned table. */
  path: string;
  values: Record<string, string>;
}

const PARTITIONED = /^transformed\/([^/]+)\/((?:[^/=]+=[^/]+\/)*)[^/]+$/;

/**
 * The partitions a transform's written keys fall in, once each: `transformed/<table>/chart=<c>/year=<y>/part-0.parquet`
 * (and any other `name=value` levels) or `transformed/<table>/part-0.parquet`. Lineage (`_lineage`) is not a table.
 */
export function writtenPartitions(keys: readonly string[]): WrittenPartition[] {
  const found = new Map<string, WrittenPartition>();
  for (const key of keys) {
    const match = PARTITIONED.exec(key);
    if (!match || match[1].startsWith('_')) continue;
    const [, table, path] = match;
    const values = Object.fromEntries(path.split('/').filter(Boolean).map((level) => level.split('=') as [string, string]));
    found.set(`${table}/${path}`, { table, path, values });
  }
  return [...found.values()];
}

export class PartitionsNotRegisteredError extends Error {
  override readonly name = 'PartitionsNotRegisteredError';
  readonly retryable = true;
  constructor(readonly tables: string[]) {
    super(
      `the Glue tables ${tables.join(', ')} do not exist yet and the crawler is already running (it may have listed ` +
        'S3 before these files were written); the batch is retried and registers its partitions once the crawler made the tables',
    );
  }
}

export interface Registration {
  /** Partitions created now. */
  created: number;
  /** Partitions Glue already had (a week rewritten in an existing year). */
  existing: number;
  /** Tables not in the catalog yet: the crawler was started for them. */
  missingTables: string[];
  crawler?: CrawlerStart;
}

export async function registerPartitions(
  glue: GlueClient,
  target: { database: string; crawler: string },
  keys: readonly string[],
  log: Logger,
): Promise<Registration> {
  const result: Registration = { created: 0, existing: 0, missingTables: [] };
  const byTable = new Map<string, WrittenPartition[]>();
  for (const partition of writtenPartitions(keys)) byTable.set(partition.table, [...(byTable.get(partition.table) ?? []), partition]);
  for (const [table, partitions] of byTable) {
    let definition;
    try {
      definition = (await glue.send(new GetTableCommand({ DatabaseName: target.database, Name: table }))).Table;
    } catch (error) {
      if ((error as { name?: string }).name !== 'EntityNotFoundException') throw error;
    }
    if (!definition?.StorageDescriptor?.Location) {
      result.missingTables.push(table);
      continue;
    }
    const keyNames = (definition.PartitionKeys ?? []).map((column) => column.Name ?? '');
    if (keyNames.length === 0) continue; // a lake-wide table: its files are read from the table's folder
    const location = definition.StorageDescriptor.Location.replace(/\/?$/, '/');
    const inputs: PartitionInput[] = [];
    for (const partition of partitions) {
      if (keyNames.some((name) => partition.values[name] === undefined)) {
        throw new Error(`${table}: the written folder ${partition.path} does not name the table's partition keys ${keyNames.join(', ')}`);
      }
      inputs.push({
        Values: keyNames.map((name) => partition.values[name]),
        StorageDescriptor: { ...definition.StorageDescriptor, Location: `${location}${partition.path}` },
      });
    }
    for (let i = 0; i < inputs.length; i += 100) {
      const answer = await glue.send(
        new BatchCreatePartitionCommand({ DatabaseName: target.database, TableName: table, PartitionInputList: inputs.slice(i, i + 100) }),
      );
      const errors = answer.Errors ?? [];
      const existing = errors.filter((e) => e.ErrorDetail?.ErrorCode === 'AlreadyExistsException').length;
      const failed = errors.filter((e) => e.ErrorDetail?.ErrorCode !== 'AlreadyExistsException');
      if (failed.length > 0) {
        const first = failed[0];
        throw new Error(`Glue refused partition ${table} ${(first.PartitionValues ?? []).join('/')}: ${first.ErrorDetail?.ErrorCode} ${first.ErrorDetail?.ErrorMessage ?? ''}`);
      }
      result.existing += existing;
      result.created += Math.min(100, inputs.length - i) - existing;
    }
  }
  if (result.missingTables.length > 0) {
    result.crawler = await startCrawler(glue, target.crawler, log);
    if (result.crawler === 'already-running') throw new PartitionsNotRegisteredError(result.missingTables);
  }
  log.log('info', 'partitions registered', { created: result.created, existing: result.existing, missing_tables: result.missingTables.join(',') || undefined });
  return result;
}
