import type { QueryResult } from './duckdb';

export type Parameter = string | number | boolean | null;

/** One interface, two engines: DuckDB over the local lake and Athena over the Glue catalog. */
export interface QueryEngine {
  readonly name: 'duckdb' | 'athena';
  /** Runs one statement; `?` parameters are bound in order (DuckDB prepared statements, Athena ExecutionParameters). */
  query(sql: string, parameters?: readonly Parameter[]): Promise<QueryResult>;
  /** Runs one statement a user typed (`chartlake query`), refused with ReadOnlyQueryError unless it only reads. */
  queryReadOnly(sql: string): Promise<QueryResult>;
  close(): Promise<void>;
}
