import * as path from 'node:path';
import type { Logger } from '../log';
import { silentLogger } from '../log';
import { loadSql, runSavedAnalysis, savedAnalysis, type Parameter, type QueryEngine } from '../query';
import { loadFeatures, runBacktest } from '../forecast';
import type { ChartSpan, ForecastEntry, ForecastSkill, ReportData, ReportRange, StoredBacktest } from './types';

const SQL_DIR = path.join(__dirname, 'sql');

/**
 * The report's range: what the caller gave, the rest from the lake (the chart with the most rows, its whole
 * span). Read through the engine, like everything the report shows.
 */
export async function resolveRange(engine: QueryEngine, given: Partial<ReportRange> = {}): Promise<ReportRange> {
  const chart = given.chart ?? (await engine.chartSpans())[0]?.chart;
  if (!chart) throw new Error('the lake has no chart entries yet: import or run a week first');
  return { chart, from_week: given.from_week ?? '1900-01-01', to_week: given.to_week ?? '9999-12-31' };
}

/** Runs every query of the page (in parallel on DuckDB's connection queue: they are independent). */
export async function loadReportData(engine: QueryEngine, range: ReportRange, log: Logger = silentLogger): Promise<ReportData> {
  const params: Parameter[] = [range.chart, range.from_week, range.to_week];
  // Each query reads only the chart's files (test/analyses/saved-analyses.test.ts builds the report of one chart
  // of a lake whose other chart's files are unreadable): a local engine checks only those for replacement.
  const sql = async <T>(name: string) => (await engine.query(loadSql(SQL_DIR, name), params, { charts: [range.chart] })).rows as T[];
  const saved = async <T>(name: string) => (await runSavedAnalysis(engine, savedAnalysis(name), { ...range })).rows as T[];

  const [span] = await sql<ChartSpan>('chart-span');
  if (!span || !span.last_week) throw new Error(`no weeks of ${range.chart} between ${range.from_week} and ${range.to_week}`);
  const actual: ReportRange = { chart: range.chart, from_week: span.first_week!, to_week: span.last_week };
  const data: ReportData = {
    range: actual,
    span,
    latest: await sql('latest-chart'),
    rankHistory: await sql('rank-history'),
    artists: await saved('top-artists'),
    artistWeeks: await saved('artist-weeks'),
    albums: await saved('top-albums'),
    labels: await saved('top-labels'),
    climbers: await saved('biggest-climbers'),
    newEntries: await saved('new-entries'),
    longestRuns: await saved('longest-runs'),
    mostStreams: await saved('most-streams'),
    patterns: await saved('chart-patterns'),
    chartWeeks: await sql('chart-weeks'),
    songWeeks: await sql('song-weeks'),
    songArtists: await sql('song-artists'),
    songWriters: (await hasTable(engine, 'song_credits')) ? await sql('song-writers') : [],
    songwriters: (await hasTable(engine, 'song_credits')) ? await saved('top-songwriters') : [],
  };
  data.forecast = await loadForecast(engine, actual, params, log);
  return data;
}

async function hasTable(engine: QueryEngine, name: string): Promise<boolean> {
  const { rows } = await engine.query(loadSql(SQL_DIR, 'has-table'), [name]);
  return Number(rows[0]?.found ?? 0) > 0;
}

/** The "next week" panel's rows, when `chartlake forecast` has written a forecasts table. */
async function loadForecast(engine: QueryEngine, range: ReportRange, params: Parameter[], log: Logger): Promise<ReportData['forecast']> {
  if (!(await hasTable(engine, 'forecasts'))) return undefined;
  try {
    const rows = (await engine.query(loadSql(SQL_DIR, 'forecast-next'), params)).rows as unknown as (ForecastEntry & StoredBacktest)[];
    if (rows.length === 0) return { rows };
    return { rows, skill: await forecastSkill(engine, range.chart, rows[0]) };
  } catch (error) {
    // A forecasts table of another shape must not cost the user the rest of the page.
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    log.log('warn', 'report: the forecasts table could not be read; the next-week panel is left out', { error: message });
    return { rows: [], error: message };
  }
}

/**
 * The forecast's backtest against persistence ("next week = this week"), as `chartlake forecast` stored it on the
 * shown forecast's rows; for forecasts files written before it did, src/forecast's own rolling-origin backtest over
 * the chart's whole history, at the one-week horizon. Empty when the lake is too short.
 */
async function forecastSkill(engine: QueryEngine, chart: string, stored: StoredBacktest): Promise<ForecastSkill[]> {
  if (stored.backtest_folds !== null) {
    return [{
      horizon: stored.horizon,
      folds: stored.backtest_folds,
      first_target: stored.backtest_first_target ?? '',
      last_target: stored.backtest_last_target ?? '',
      model_rank_mae: stored.model_rank_mae ?? Number.NaN,
      persistence_rank_mae: stored.persistence_rank_mae ?? Number.NaN,
      model_brier_top10: stored.model_brier_top10 ?? Number.NaN,
      persistence_brier_top10: stored.persistence_brier_top10 ?? Number.NaN,
    }];
  }
  const result = runBacktest(chart, await loadFeatures(engine, chart), { horizons: [1] });
  return result.horizons
    .filter((horizon) => horizon.folds > 0)
    .map((horizon) => ({
      horizon: horizon.horizon,
      folds: horizon.folds,
      first_target: horizon.firstTarget,
      last_target: horizon.lastTarget,
      model_rank_mae: horizon.scores.model.rankMae,
      persistence_rank_mae: horizon.scores.persistence.rankMae,
      model_brier_top10: horizon.scores.model.brierTop10,
      persistence_brier_top10: horizon.scores.persistence.brierTop10,
    }));
}
