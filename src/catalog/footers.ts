import * as path from 'node:path';
import type { DuckDb, DuckDbConnection } from '../query/duckdb';
import { sqlLiteral, sqlString } from '../query/sql';
import type { CatalogColumn } from './types';

/** Footers read per `parquet_schema` call. */
const BATCH = 2000;

/**
 * Columns per file, from the Parquet footers. DuckDB's own reading of a footer (DESCRIBE) names logical types
 * (DATE, TIMESTAMP, DECIMAL, lists, structs) exactly as the views will see them, but costs a query per file; so
 * every footer's schema nodes are read in bulk with `parquet_schema`, files are grouped by that raw schema, and
 * only one file per distinct schema is described. Keys of the result are lake keys.
 */
export async function readSchemas(duck: DuckDb, keys: string[], root: string): Promise<Map<string, CatalogColumn[]>> {
  const schemas = new Map<string, CatalogColumn[]>();
  if (keys.length === 0) return schemas;
  await duck.withConnection(async (connection) => {
    const described = new Map<string, CatalogColumn[]>();
    for (let start = 0; start < keys.length; start += BATCH) {
      const batch = keys.slice(start, start + BATCH);
      const files = batch.map((key) => path.join(root, ...key.split('/')));
      const keyOf = new Map(files.map((file, index) => [file, batch[index]]));
      const rows = await connection.all<{ file: string; signature: string }>(
        `SELECT file_name AS file, string_agg(node, '|' ORDER BY position) AS signature
         FROM (
           SELECT file_name, row_number() OVER (PARTITION BY file_name) AS position,
             concat_ws(':', name, type, type_length, repetition_type, num_children, converted_type, scale, precision, logical_type) AS node
           FROM parquet_schema(${sqlLiteral(files)})
         )
         GROUP BY file_name`,
      );
      for (const row of rows) {
        let columns = described.get(row.signature);
        if (!columns) {
          columns = await describe(connection, row.file);
          described.set(row.signature, columns);
        }
        schemas.set(keyOf.get(row.file) ?? row.file, columns);
      }
    }
  });
  return schemas;
}

async function describe(connection: DuckDbConnection, file: string): Promise<CatalogColumn[]> {
  const rows = await connection.all<{ column_name: string; column_type: string }>(
    `DESCRIBE SELECT * FROM read_parquet(${sqlString(file)}, hive_partitioning = false)`,
  );
  return rows.map((row) => ({ name: row.column_name, type: row.column_type }));
}
