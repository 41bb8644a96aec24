import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { splitStatements } from './sql';
import { ENV } from '../config/names';

export type Row = Record<string, unknown>;

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: Row[];
}

const WIDE_INTEGER = /^(BIGINT|UBIGINT|HUGEINT|UHUGEINT)$/;

export interface DuckDbOptions {
  /** Database file, or ':memory:' (default). */
  path?: string;
  /** Where DuckDB spills; on Lambda this must be below /tmp. */
  tempDirectory?: string;
  threads?: number;
  /**
   * DuckDB's memory limit (default `DEFAULT_MEMORY_LIMIT`): past it, DuckDB spills to the temp directory. DuckDB's
   * own default, 80 % of the machine's memory, let a backfill keep 1.9 GB resident.
   */
  memoryLimit?: string;
}

/** Enough for a transform pass, the songs rebuild and every saved analysis of a 73-chart, 3-year lake (npm run bench). */
export const DEFAULT_MEMORY_LIMIT = '512MB';

/** CHARTLAKE_DUCKDB_MEMORY_LIMIT (e.g. `2GB`), checked here so a typo is named rather than left to DuckDB. */
export function memoryLimitFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[ENV.duckdbMemoryLimit]?.trim();
  if (!value) return undefined;
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(value)) {
    throw new Error(`${ENV.duckdbMemoryLimit} must be a size such as 512MB or 2GB, not ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * One DuckDB database per process (a Lambda container reuses it between invocations). Each unit of work
 * takes its own connection, so temporary tables of concurrent work never meet.
 */
export class DuckDb {
  /** Callers of `withThreads` running now, the change they wait for, and the count the last sets back. */
  private narrowed: { callers: number; set?: Promise<void>; threads: number } = { callers: 0, threads: 0 };

  private constructor(readonly instance: DuckDBInstance) {}

  static async open(options: DuckDbOptions = {}): Promise<DuckDb> {
    const tempDirectory = options.tempDirectory ?? path.join(os.tmpdir(), 'chartlake-duckdb');
    mkdirSync(tempDirectory, { recursive: true });
    const config: Record<string, string> = {
      temp_directory: tempDirectory,
      // Parquet and JSON are built into @duckdb/node-api; never try to download an extension at run time.
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      // The lake's files are replaced in place (a new file renamed over the old). DuckDB's cache of file contents
      // served a replaced file's old footer when the new one had the same size and was written moments later
      // (test/transform/songs-increment.test.ts met it); the OS page cache serves local reads as fast.
      enable_external_file_cache: 'false',
    };
    if (options.threads) config.threads = String(options.threads);
    config.memory_limit = options.memoryLimit ?? memoryLimitFromEnv() ?? DEFAULT_MEMORY_LIMIT;
    const instance = await DuckDBInstance.create(options.path ?? ':memory:', config);
    return new DuckDb(instance);
  }

  async connect(): Promise<DuckDbConnection> {
    return new DuckDbConnection(await this.instance.connect());
  }

  /**
   * Runs `work` with DuckDB's threads (a setting of the whole database) at `threads`, then sets back the count
   * there was. Overlapping callers share one change: the first makes it, the last undoes it.
   */
  async withThreads<T>(threads: number, work: () => Promise<T>): Promise<T> {
    if (this.narrowed.callers++ === 0) {
      this.narrowed.threads = 0;
      this.narrowed.set = this.withConnection(async (connection) => {
        const [{ count }] = await connection.all<{ count: number }>("SELECT current_setting('threads') AS count");
        this.narrowed.threads = Number(count);
        await connection.run(`SET threads = ${Math.max(1, Math.floor(threads))}`);
      });
    }
    try {
      await this.narrowed.set;
      return await work();
    } finally {
      // (0: the change itself failed, and there is nothing to set back)
      if (--this.narrowed.callers === 0 && this.narrowed.threads > 0) await this.withConnection((connection) => connection.run(`SET threads = ${this.narrowed.threads}`));
    }
  }

  /** Runs `work` on a fresh connection and closes it afterwards. */
  async withConnection<T>(work: (connection: DuckDbConnection) => Promise<T>): Promise<T> {
    const connection = await this.connect();
    try {
      return await work(connection);
    } finally {
      connection.close();
    }
  }

  close(): void {
    this.instance.closeSync();
  }
}

export class DuckDbConnection {
  constructor(readonly raw: DuckDBConnection) {}

  async run(sql: string): Promise<void> {
    await this.raw.run(sql);
  }

  /** Runs a script of `;`-terminated statements in order. */
  async runScript(script: string): Promise<void> {
    for (const statement of splitStatements(script)) await this.raw.run(statement);
  }

  /** Rows as plain JS values: BIGINT → number when safe (else string), DATE → 'YYYY-MM-DD', LIST → array. */
  async all<T extends Row = Row>(sql: string): Promise<T[]> {
    return (await this.table(sql)).rows as T[];
  }

  /** Column names and DuckDB type names of a query's result, and its rows; `?` parameters bound in order. */
  async table(sql: string, parameters: readonly (string | number | boolean | null)[] = []): Promise<QueryResult> {
    let reader;
    if (parameters.length === 0) {
      reader = await this.raw.runAndReadAll(sql);
    } else {
      const statement = await this.raw.prepare(sql);
      statement.bind(parameters as (string | number | boolean | null)[]);
      reader = await statement.runAndReadAll();
    }
    const names = reader.columnNames();
    const columns = reader.columnTypes().map((type, index) => ({ name: names[index], type: type.toString() }));
    const integers = columns.filter((column) => WIDE_INTEGER.test(column.type)).map((column) => column.name);
    const rows = reader.getRowObjectsJson() as Row[];
    // JSON conversion turns 64-bit integers into strings; counts and streams are safe as numbers.
    for (const row of rows) {
      for (const name of integers) {
        const value = row[name];
        if (typeof value === 'string' && Number.isSafeInteger(Number(value))) row[name] = Number(value);
      }
    }
    return { columns, rows };
  }

  close(): void {
    this.raw.closeSync();
  }
}
