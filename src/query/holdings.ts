import * as path from 'node:path';
import type { QueryEngine } from './engine';
import { columnsOf, lakeRelations } from './export';
import { loadSql } from './sql';

const SQL_DIR = path.join(__dirname, 'sql');

/** What the lake holds of one chart. */
export interface ChartHolding {
  chart: string;
  weeks: number;
  first_week: string;
  last_week: string;
  /** Chart weeks between the first and the last that the lake does not have. */
  missing: number;
  min_depth: number;
  max_depth: number;
  /** Weeks enriched by the Web API; undefined while the lineage view does not record enrichment. */
  enriched_weeks?: number;
}

/** Per chart: weeks, span, gaps, depth and (when the lineage records it) enrichment, read through the query engine. */
export async function chartHoldings(engine: QueryEngine): Promise<ChartHolding[]> {
  const relations = await lakeRelations(engine);
  if (!relations.includes('chart_entries')) return [];
  const rows = (await engine.query(loadSql(SQL_DIR, 'chart-holdings'))).rows;
  const enriched = new Map<string, number>();
  if (relations.includes('_runs') && (await columnsOf(engine, '_runs')).includes('enriched')) {
    for (const row of (await engine.query(loadSql(SQL_DIR, 'enriched-weeks'))).rows) enriched.set(String(row.chart), Number(row.enriched_weeks));
  }
  return rows.map((row) => {
    const first = String(row.first_week);
    const last = String(row.last_week);
    const span = Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / (7 * 86_400_000)) + 1;
    const chart = String(row.chart);
    return {
      chart,
      weeks: Number(row.weeks),
      first_week: first,
      last_week: last,
      missing: span - Number(row.weeks),
      min_depth: Number(row.min_depth),
      max_depth: Number(row.max_depth),
      ...(enriched.has(chart) ? { enriched_weeks: enriched.get(chart) } : {}),
    };
  });
}
