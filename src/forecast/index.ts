/** Trend prediction: which songs will rise, fall, drop out or reach the top 10, with an honest backtest. */
export type { ForecastBacktest, ForecastRow } from './types';
export { FORECAST_COLUMNS, FORECASTS_TABLE } from './types';
export type { FeatureRow } from './features';
export { loadFeatures, featuresSql } from './features';
export { FEATURE_NAMES, featureVector } from './design';
export type { ModelSettings, Prediction, TrendModel } from './model';
export { DEFAULT_SETTINGS, MODEL_NAME, NotEnoughHistory, predict } from './model';
export { persistence, lastFourAverage } from './baselines';
export type { BacktestOptions, BacktestResult, FoldInfo } from './backtest';
export { DEFAULT_HORIZONS, runBacktest } from './backtest';
export type { HorizonScore, MethodScore, Method, Scored } from './metrics';
export { METHODS } from './metrics';
export type { ChartForecast } from './forecast';
export { forecastWeek } from './forecast';
export { writeForecasts } from './write';
export { runForecast, runChartBacktest, resolveChartWeek } from './run';
export type { ForecastRun } from './run';
export { formatForecast, formatBacktest, backtestTable, segmentTable, SEGMENTS } from './format';
