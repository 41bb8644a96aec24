import { crawl } from '../catalog';
import type { DuckDb } from '../query/duckdb';
import type { QueryEngine } from '../query/engine';
import type { ObjectStore } from '../store';
import { runBacktest, type BacktestOptions, type BacktestResult } from './backtest';
import { loadFeatures } from './features';
import { forecastWeek, type ChartForecast } from './forecast';
import { writeForecasts } from './write';

/** The chart with the most rows (or the one named), and its newest week (or the one named). */
export async function resolveChartWeek(engine: QueryEngine, chart?: string, week?: string): Promise<{ chart: string; week: string }> {
  const spans = await engine.chartSpans();
  const span = chart === undefined ? spans[0] : spans.find((found) => found.chart === chart);
  if (!span) throw new Error(chart ? `the lake has no chart ${chart}` : 'the lake has no chart entries yet (import or run a week first)');
  return { chart: span.chart, week: week ?? span.last_week };
}

export interface ForecastRun {
  forecast: ChartForecast;
  key: string;
}

/**
 * `chartlake forecast`: features by SQL through the engine, the models in Node, one `forecasts` partition written
 * and the catalog crawled again so the table is queryable (a new engine sees it as a view).
 */
export async function runForecast(context: { store: ObjectStore; duck: DuckDb; engine: QueryEngine }, options: { chart?: string; week?: string; horizon?: number } = {}): Promise<ForecastRun> {
  const { chart, week } = await resolveChartWeek(context.engine, options.chart, options.week);
  const forecast = forecastWeek(chart, await loadFeatures(context.engine, chart), week, options.horizon ?? 1);
  const key = await writeForecasts(context.store, context.duck, { chart, week }, forecast.rows);
  await crawl(context.store, context.duck);
  return { forecast, key };
}

/** `chartlake forecast --backtest`: rolling-origin replay of one chart's history; writes nothing. */
export async function runChartBacktest(engine: QueryEngine, options: BacktestOptions & { chart?: string } = {}): Promise<BacktestResult> {
  const { chart } = await resolveChartWeek(engine, options.chart);
  return runBacktest(chart, await loadFeatures(engine, chart), options);
}
