import type { DuckDb, DuckDbConnection, QueryResult } from './duckdb';
import type { Parameter, QueryEngine } from './engine';
import { inlineParameters } from './sql';

/** The local engine: DuckDB with the lake's views (created by the catalog) on one connection. */
export class DuckDbEngine implements QueryEngine {
  readonly name = 'duckdb' as const;

  constructor(
    readonly duck: DuckDb,
    readonly connection: DuckDbConnection,
    private readonly ownsDatabase = false,
    /** Runs before the connection closes (e.g. detaching the query cache). */
    private readonly onClose?: () => Promise<void>,
  ) {}

  /**
   * `?` values are inlined as SQL literals rather than bound: DuckDB plans a prepared statement before it sees
   * the values, so a bound `?` can never prune Hive partitions or use the values in the optimizer.
   */
  query(sql: string, parameters: readonly Parameter[] = []): Promise<QueryResult> {
    return this.connection.table(parameters.length > 0 ? inlineParameters(sql, parameters) : sql);
  }

  async close(): Promise<void> {
    await this.onClose?.();
    this.connection.close();
    if (this.ownsDatabase) this.duck.close();
  }
}
