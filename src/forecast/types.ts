/** One row of the `forecasts` table (sql/forecasts-table.sql declares its types); `chart`/`week` are partitions. */
export interface ForecastRow extends ForecastBacktest {
  target_week: string;
  horizon: number;
  track_id: string;
  track_name: string | null;
  artist_names: string | null;
  rank: number;
  streams: number | null;
  weeks_on_chart: number | null;
  predicted_rank: number | null;
  predicted_streams: number | null;
  predicted_move: number | null;
  p_stay: number;
  p_top10: number;
  model: string;
  trained_from: string | null;
  trained_through: string | null;
  training_rows: number;
  /** The song was on the chart around this week a year earlier and that history moved the prediction. */
  seasonal: boolean;
}

/**
 * The model's backtest at a row's horizon on the chart's weeks up to the origin (the same for every row of a run):
 * folds, their first and last predicted week, mean absolute rank error and top-10 Brier score of the model and of
 * persistence ("next week = this week"). Null when the lake was too short for a fold.
 */
export interface ForecastBacktest {
  backtest_folds: number | null;
  backtest_first_target: string | null;
  backtest_last_target: string | null;
  model_rank_mae: number | null;
  persistence_rank_mae: number | null;
  model_brier_top10: number | null;
  persistence_brier_top10: number | null;
}

/** The columns of `forecasts`, in file order. */
export const FORECAST_COLUMNS = [
  'target_week', 'horizon', 'track_id', 'track_name', 'artist_names', 'rank', 'streams', 'weeks_on_chart',
  'predicted_rank', 'predicted_streams', 'predicted_move', 'p_stay', 'p_top10', 'model', 'trained_from',
  'trained_through', 'training_rows', 'seasonal', 'backtest_folds', 'backtest_first_target', 'backtest_last_target',
  'model_rank_mae', 'persistence_rank_mae', 'model_brier_top10', 'persistence_brier_top10',
] as const satisfies readonly (keyof ForecastRow)[];

export const FORECASTS_TABLE = 'forecasts';
