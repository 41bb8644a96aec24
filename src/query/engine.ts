import type { QueryResult } from './duckdb';

export type Parameter = string | number | boolean | null;

/** One interface, two engines: DuckDB over the local lake and Athena over the Glue catalog. */
export interface QueryEngine {
  readonly name: 'duckdb' | 'athena';
  /**
   * Runs one statement; `?` parameters are bound in order (DuckDB prepared statements, Athena ExecutionParameters).
   * `scope`, when the caller knows it, is what the statement reads (a local engine reads only those files, and
   * checks only those for replacement while it reads).
   */
  query(sql: string, parameters?: readonly Parameter[], scope?: QueryScope): Promise<QueryResult>;
  /** Runs one statement a user typed (`chartlake query`), refused with ReadOnlyQueryError unless it only reads. */
  queryReadOnly(sql: string): Promise<QueryResult>;
  /** Each chart of the lake with its span, the biggest (most chart rows) first: the default chart and range. */
  chartSpans(): Promise<ChartSpan[]>;
  close(): Promise<void>;
}

/** What a statement reads, as its caller knows it. */
export interface QueryScope {
  /**
   * The charts whose files it reads of the tables partitioned by chart: its filters on `chart` prune every other
   * chart's files (a saved analysis of one chart; test/analyses/saved-analyses.test.ts proves it for each). A
   * local engine's views read only those charts' folders then: a row of another chart is never seen.
   */
  charts: readonly string[];
}

/** A chart of the lake: its first and last week (YYYY-MM-DD), how many weeks it has and how many chart rows. */
export interface ChartSpan {
  chart: string;
  first_week: string;
  last_week: string;
  weeks: number;
  chart_rows: number;
}

/** `chart-spans.sql`'s rows as `ChartSpan`s (counts arrive as BIGINT from DuckDB, as strings from Athena). */
export function toChartSpans(rows: readonly Record<string, unknown>[]): ChartSpan[] {
  return rows.map((row) => ({
    chart: String(row.chart),
    first_week: String(row.first_week),
    last_week: String(row.last_week),
    weeks: Number(row.weeks),
    chart_rows: Number(row.chart_rows),
  }));
}
