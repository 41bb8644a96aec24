import * as path from 'node:path';
import type { DuckDb } from '../query/duckdb';
import { sqlString } from '../query/sql';
import type { CatalogColumn } from './types';

/**
 * Columns per file, from the Parquet footers: DuckDB's own reading of each footer (DESCRIBE reads only the
 * footer), so logical types (DATE, TIMESTAMP, DECIMAL, lists, structs) are named exactly as the views will see
 * them. Files are described in batches of one UNION ALL query each. Keys of the result are lake keys.
 */
export async function readSchemas(duck: DuckDb, keys: string[], root: string): Promise<Map<string, CatalogColumn[]>> {
  const schemas = new Map<string, CatalogColumn[]>();
  const BATCH = 200;
  for (let start = 0; start < keys.length; start += BATCH) {
    const batch = keys.slice(start, start + BATCH);
    const sql = batch
      .map((key, index) => {
        const file = path.join(root, ...key.split('/'));
        return `SELECT ${index} AS file_index, column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(${sqlString(file)}, hive_partitioning = false))`;
      })
      .join('\nUNION ALL\n');
    const rows = await duck.withConnection((connection) => connection.all<{ file_index: number; column_name: string; column_type: string }>(sql));
    // DESCRIBE lists a file's columns in footer order, and UNION ALL keeps each branch's order.
    for (const row of rows) {
      const key = batch[row.file_index];
      const columns = schemas.get(key) ?? [];
      columns.push({ name: row.column_name, type: row.column_type });
      schemas.set(key, columns);
    }
  }
  return schemas;
}
