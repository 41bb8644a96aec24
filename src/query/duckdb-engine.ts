import { StatementType } from '@duckdb/node-api';
import type { DuckDb, DuckDbConnection, QueryResult } from './duckdb';
import type { Parameter, QueryEngine } from './engine';
import { inlineParameters } from './sql';
import { assertReadKeyword, ReadOnlyQueryError } from './read-only';

/** The local engine: DuckDB with the lake's views (created by the catalog) on one connection. */
export class DuckDbEngine implements QueryEngine {
  readonly name = 'duckdb' as const;

  constructor(
    readonly duck: DuckDb,
    readonly connection: DuckDbConnection,
    private readonly ownsDatabase = false,
    /** Releases what the views read (the lake's snapshot). */
    private readonly release: () => Promise<void> = async () => {},
  ) {}

  /**
   * `?` values are inlined as SQL literals rather than bound: DuckDB plans a prepared statement before it sees
   * the values, so a bound `?` can never prune Hive partitions or use the values in the optimizer.
   */
  query(sql: string, parameters: readonly Parameter[] = []): Promise<QueryResult> {
    return this.connection.table(parameters.length > 0 ? inlineParameters(sql, parameters) : sql);
  }

  /**
   * Runs one statement typed by a user, only when it reads: the text check first (a clear message), then DuckDB's own
   * parse (exactly one statement, of type SELECT or EXPLAIN), so `SELECT 1; DROP VIEW x` or a CTE before an
   * INSERT cannot slip through.
   */
  async queryReadOnly(sql: string): Promise<QueryResult> {
    assertReadKeyword(sql);
    const statements = await this.connection.raw.extractStatements(sql);
    if (statements.count !== 1) throw new ReadOnlyQueryError(`${statements.count} statements (query runs one)`);
    const prepared = await statements.prepare(0);
    if (prepared.statementType !== StatementType.SELECT && prepared.statementType !== StatementType.EXPLAIN) {
      throw new ReadOnlyQueryError(`a ${StatementType[prepared.statementType]} statement`);
    }
    return this.connection.table(sql);
  }

  async close(): Promise<void> {
    this.connection.close();
    if (this.ownsDatabase) this.duck.close();
    await this.release();
  }
}
