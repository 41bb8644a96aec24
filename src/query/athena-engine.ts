import * as path from 'node:path';
import type { AthenaClient, ColumnInfo, QueryExecution } from '@aws-sdk/client-athena';
import type { QueryResult, Row } from './duckdb';
import { toChartSpans, type ChartSpan, type Parameter, type QueryEngine } from './engine';
import { foldParams, loadSql, sqlLiteral } from './sql';
import { assertReadKeyword, ReadOnlyQueryError } from './read-only';

/** The AWS SDK loads when an Athena engine is made: local queries never pay for it. */
const sdk = () => require('@aws-sdk/client-athena') as typeof import('@aws-sdk/client-athena');

export interface AthenaEngineOptions {
  /** The stack's workgroup (it enforces the result location and the bytes-scanned cutoff). */
  workGroup: string;
  /** The Glue database the crawler fills. */
  database: string;
  /** Data catalog; default `AwsDataCatalog`. */
  catalog?: string;
  client?: AthenaClient;
  region?: string;
  /** First wait between status polls (default 250 ms); it grows by half each poll up to `maxPollMs`. */
  pollMs?: number;
  maxPollMs?: number;
  /** Give up (and stop the query) after this long; default 10 minutes. */
  timeoutMs?: number;
  /** Rows per GetQueryResults page (at most 1000). */
  pageSize?: number;
  /** Injected in tests so polling takes no time. */
  sleep?: (ms: number) => Promise<void>;
}

/** A query Athena ended as FAILED or CANCELLED (or that timed out): the reason Athena gave, and the id to look it up. */
export class AthenaQueryError extends Error {
  constructor(
    readonly queryExecutionId: string,
    readonly state: string,
    readonly reason: string,
    readonly errorType?: string,
  ) {
    super(`Athena query ${queryExecutionId} ${state}: ${reason}`);
    this.name = 'AthenaQueryError';
  }
}

const SQL_DIR = path.join(__dirname, 'sql');
const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * The AWS engine: the same SQL (saved analyses included) on Athena over the Glue catalog. `?` parameters
 * travel as ExecutionParameters, which Athena substitutes as SQL literals, so strings are quoted here.
 */
export class AthenaEngine implements QueryEngine {
  readonly name = 'athena' as const;
  readonly client: AthenaClient;
  private readonly ownsClient: boolean;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(readonly options: AthenaEngineOptions) {
    this.ownsClient = !options.client;
    this.client = options.client ?? new (sdk().AthenaClient)({ region: options.region ?? process.env.AWS_REGION });
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async query(sql: string, parameters: readonly Parameter[] = []): Promise<QueryResult> {
    const started = await this.client.send(
      new (sdk().StartQueryExecutionCommand)({
        // The values folded into `p.<name>` too (`foldParams`): Athena prunes partitions by literals.
        QueryString: foldParams(sql, parameters),
        WorkGroup: this.options.workGroup,
        QueryExecutionContext: { Database: this.options.database, Catalog: this.options.catalog ?? 'AwsDataCatalog' },
        ...(parameters.length > 0 ? { ExecutionParameters: parameters.map(executionParameter) } : {}),
      }),
    );
    const id = started.QueryExecutionId;
    if (!id) throw new Error('Athena StartQueryExecution answered without a QueryExecutionId');
    await this.waitFor(id);
    return this.results(id);
  }

  /** Athena parses only when it runs, so the shared text check decides (one statement, a read keyword). */
  async queryReadOnly(sql: string): Promise<QueryResult> {
    assertReadKeyword(sql);
    if (/;\s*\S/.test(sql.replace(/'(?:[^']|'')*'/g, "''"))) throw new ReadOnlyQueryError('several statements (query runs one)');
    return this.query(sql);
  }

  /** The lake's charts, biggest first, from the chart rows (Athena has no lineage table). */
  async chartSpans(): Promise<ChartSpan[]> {
    return toChartSpans((await this.query(loadSql(SQL_DIR, 'chart-spans'))).rows);
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }

  /** Polls until the query succeeds; FAILED and CANCELLED become an AthenaQueryError with Athena's reason. */
  private async waitFor(id: string): Promise<void> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxPollMs = this.options.maxPollMs ?? 5000;
    let waitMs = this.options.pollMs ?? 250;
    let waited = 0;
    for (;;) {
      const { QueryExecution: execution } = await this.client.send(new (sdk().GetQueryExecutionCommand)({ QueryExecutionId: id }));
      const state = execution?.Status?.State;
      if (state === 'SUCCEEDED') return;
      if (state === 'FAILED' || state === 'CANCELLED') {
        throw new AthenaQueryError(id, state, reasonOf(execution), execution?.Status?.AthenaError?.ErrorType?.toString());
      }
      if (waited >= timeoutMs) {
        await this.client.send(new (sdk().StopQueryExecutionCommand)({ QueryExecutionId: id })).catch(() => undefined);
        throw new AthenaQueryError(id, 'TIMED_OUT', `still ${state ?? 'unknown'} after ${Math.round(waited / 1000)} s; the query was stopped`);
      }
      await this.sleep(waitMs);
      waited += waitMs;
      waitMs = Math.min(maxPollMs, Math.ceil(waitMs * 1.5));
    }
  }

  /** Pages through the results; the first row of the first page repeats the column names and is dropped. */
  private async results(id: string): Promise<QueryResult> {
    let columns: ColumnInfo[] | undefined;
    const rows: Row[] = [];
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.client.send(
        new (sdk().GetQueryResultsCommand)({ QueryExecutionId: id, NextToken: token, MaxResults: this.options.pageSize ?? 1000 }),
      );
      columns ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      const pageRows = page.ResultSet?.Rows ?? [];
      pageRows.forEach((row, index) => {
        const cells = row.Data ?? [];
        if (first && index === 0 && isHeaderRow(cells.map((cell) => cell.VarCharValue), columns!)) return;
        const out: Row = {};
        columns!.forEach((column, position) => {
          out[column.Name ?? `_${position}`] = cellValue(cells[position]?.VarCharValue, column.Type ?? 'varchar');
        });
        rows.push(out);
      });
      first = false;
      token = page.NextToken;
    } while (token);
    return {
      columns: (columns ?? []).map((column, position) => ({ name: column.Name ?? `_${position}`, type: typeName(column) })),
      rows,
    };
  }
}

/** Athena substitutes ExecutionParameters as SQL text: strings become quoted literals, like DuckDB's bound values. */
export function executionParameter(value: Parameter): string {
  return sqlLiteral(value);
}

function reasonOf(execution: QueryExecution | undefined): string {
  const status = execution?.Status;
  return status?.AthenaError?.ErrorMessage ?? status?.StateChangeReason ?? 'Athena gave no reason';
}

function isHeaderRow(values: (string | undefined)[], columns: ColumnInfo[]): boolean {
  return values.length === columns.length && columns.every((column, index) => column.Name === values[index]);
}

/** Athena (Trino) type names in the spelling DuckDB uses, so `formatResult` and callers see one vocabulary. */
function typeName(column: ColumnInfo): string {
  const type = (column.Type ?? 'varchar').toLowerCase();
  if (type === 'integer') return 'INTEGER';
  if (type === 'real' || type === 'float') return 'FLOAT';
  if (type === 'decimal') return `DECIMAL(${column.Precision ?? 38},${column.Scale ?? 0})`;
  return type.toUpperCase();
}

/** Results arrive as text; numbers and booleans become JS values as the DuckDB engine returns them. */
export function cellValue(text: string | undefined, athenaType: string): unknown {
  if (text === undefined) return null;
  switch (athenaType.toLowerCase()) {
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'int':
      return Number(text);
    case 'bigint': {
      const value = Number(text);
      return Number.isSafeInteger(value) ? value : text;
    }
    case 'double':
    case 'float':
    case 'real':
    case 'decimal':
      return Number(text);
    case 'boolean':
      return text === 'true';
    default:
      // varchar, date (YYYY-MM-DD, as DuckDB's JSON rows), timestamp, array/map/row (Athena's text rendering).
      return text;
  }
}
