import { mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { DuckDbEngine } from './duckdb-engine';
import type { QueryEngine } from './engine';
import { bindSavedAnalysis, type SavedAnalysis } from './saved';
import { foldParams, inlineParameters, literalFilePath, loadSql, quoteIdentifier, renderSql, sqlString, type SqlValue } from './sql';

const SQL_DIR = path.join(__dirname, 'sql');

export type ExportFormat = 'parquet' | 'csv' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['parquet', 'csv', 'json'];

/** DuckDB's COPY options per format: Parquet as the lake writes it (zstd), CSV with a header, JSON one object a line. */
const COPY_OPTIONS: Record<ExportFormat, string> = {
  parquet: 'FORMAT parquet, COMPRESSION zstd',
  csv: 'FORMAT csv, HEADER true',
  json: 'FORMAT json',
};

export interface ExportFilters {
  chart?: string;
  from?: string;
  to?: string;
}

/** What `chartlake export` wrote. */
export interface ExportResult {
  file: string;
  rows: number;
}

/** The tables and views the engine can read (DuckDB's view list of the lake). */
export async function lakeRelations(engine: QueryEngine): Promise<string[]> {
  const result = await engine.query("SELECT view_name AS name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' ORDER BY view_name");
  return result.rows.map((row) => String(row.name));
}

/** The columns of a relation of the lake. */
export async function columnsOf(engine: QueryEngine, relation: string): Promise<string[]> {
  const result = await engine.query(`DESCRIBE SELECT * FROM ${quoteIdentifier(relation)}`);
  return result.rows.map((row) => String(row.column_name));
}

/** The SELECT of one lake table narrowed by chart and week range; a filter the table cannot take is an error. */
export async function tableSelect(engine: QueryEngine, table: string, filters: ExportFilters): Promise<string> {
  const relations = await lakeRelations(engine);
  if (!relations.includes(table)) {
    throw new Error(`the lake has no table "${table}"; tables: ${relations.join(', ') || 'none (import or run a week first)'}`);
  }
  const columns = await columnsOf(engine, table);
  const filtered = filters.chart !== undefined || filters.from !== undefined || filters.to !== undefined;
  if (!columns.includes('chart') || !columns.includes('week')) {
    if (filtered) throw new Error(`${table} has no chart and week columns: --chart, --from and --to do not apply to it`);
    return `SELECT * FROM ${quoteIdentifier(table)}`;
  }
  const values: Record<string, SqlValue> = { chart: filters.chart ?? null, from_week: filters.from ?? null, to_week: filters.to ?? null };
  return renderSql(loadSql(SQL_DIR, 'export-filter'), values, 'export-filter.sql').replace('__TABLE__', quoteIdentifier(table));
}

/** A saved analysis with its values inlined, as a SELECT to export. */
export function savedSelect(analysis: SavedAnalysis, values: Record<string, string | undefined>): string {
  const bound = bindSavedAnalysis(analysis, values);
  return inlineParameters(foldParams(analysis.sql, bound), bound);
}

/**
 * Writes the rows of `select` to one file with DuckDB's COPY (the folder is created); returns the row count.
 * Only the local engine can write files: Athena writes its results to S3 itself.
 */
export async function exportSelect(engine: DuckDbEngine, select: string, format: ExportFormat, out: string): Promise<ExportResult> {
  if (!EXPORT_FORMATS.includes(format)) throw new Error(`--format must be ${EXPORT_FORMATS.join(', ')}, not ${String(format)}`);
  const file = literalFilePath(path.resolve(out), '--out', 'name a file whose path has none of them');
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`--out ${out} is a folder; name the file to write (e.g. ${path.join(out, `export.${format}`)})`);
  mkdirSync(path.dirname(file), { recursive: true });
  const result = await engine.query(`COPY (${select}) TO ${sqlString(file)} (${COPY_OPTIONS[format]})`);
  const count = result.rows[0] ? Object.values(result.rows[0])[0] : 0;
  return { file, rows: Number(count) };
}
