import type { DuckDb, DuckDbConnection, QueryResult } from './duckdb';
import type { Parameter, QueryEngine } from './engine';

/** The local engine: DuckDB with the lake's views (created by the catalog) on one connection. */
export class DuckDbEngine implements QueryEngine {
  readonly name = 'duckdb' as const;

  constructor(
    readonly duck: DuckDb,
    readonly connection: DuckDbConnection,
    private readonly ownsDatabase = false,
  ) {}

  query(sql: string, parameters: readonly Parameter[] = []): Promise<QueryResult> {
    return this.connection.table(sql, parameters);
  }

  async close(): Promise<void> {
    this.connection.close();
    if (this.ownsDatabase) this.duck.close();
  }
}
