/** One row of the `forecasts` table (sql/forecasts-table.sql declares its types); `chart`/`week` are partitions. */
export interface ForecastRow {
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

/** The columns of `forecasts`, in file order. */
export const FORECAST_COLUMNS = [
  'target_week', 'horizon', 'track_id', 'track_name', 'artist_names', 'rank', 'streams', 'weeks_on_chart',
  'predicted_rank', 'predicted_streams', 'predicted_move', 'p_stay', 'p_top10', 'model', 'trained_from',
  'trained_through', 'training_rows', 'seasonal',
] as const satisfies readonly (keyof ForecastRow)[];

export const FORECASTS_TABLE = 'forecasts';
