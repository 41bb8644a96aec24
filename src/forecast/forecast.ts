import { ChartHistory, targetWeekOf } from './dataset';
import type { FeatureRow } from './features';
import { DEFAULT_SETTINGS, MODEL_NAME, predict, type ModelSettings, type TrendModel } from './model';
import { RollingTrainer } from './rolling';
import { runBacktest } from './backtest';
import type { ForecastRow } from './types';

export interface ChartForecast {
  chart: string;
  /** The origin week: the chart the forecast is made from. */
  week: string;
  horizon: number;
  model: TrendModel;
  rows: ForecastRow[];
  /** Whether the lake holds the chart 52 weeks before `week` (else the year-ago features are blank). */
  reachesBackAYear: boolean;
}

/**
 * Forecasts every song on the chart of `week`, `horizon` weeks ahead, with models trained only on examples whose
 * outcome was known by `week` (the same rule as each backtest fold), whatever later weeks the lake holds.
 */
export function forecastWeek(chart: string, rows: readonly FeatureRow[], week: string, horizon = 1, settings: ModelSettings = DEFAULT_SETTINGS): ChartForecast {
  const history = new ChartHistory(rows);
  const songs = history.week(week);
  if (songs.length === 0) throw new Error(`the lake has no ${chart} chart for week ${week}`);
  // The trainer the backtest's folds use, taken to this week at once: the backtest scores this very fit.
  const trainer = new RollingTrainer(history, horizon, settings);
  trainer.advance(week);
  const model = trainer.fit();
  const targetWeek = targetWeekOf(week, horizon);
  // How far to trust it: the same model's backtest at this horizon on the weeks known at the origin, kept on every
  // row so a reader (the report's panel) need not run it again.
  const skill = runBacktest(chart, rows.filter((row) => row.week <= week), { horizons: [horizon], settings }).horizons[0];
  const measured = skill !== undefined && skill.folds > 0;
  const backtest = {
    backtest_folds: measured ? skill.folds : null,
    backtest_first_target: measured ? skill.firstTarget : null,
    backtest_last_target: measured ? skill.lastTarget : null,
    model_rank_mae: measured ? skill.scores.model.rankMae : null,
    persistence_rank_mae: measured ? skill.scores.persistence.rankMae : null,
    model_brier_top10: measured ? skill.scores.model.brierTop10 : null,
    persistence_brier_top10: measured ? skill.scores.persistence.brierTop10 : null,
  };
  const forecasts = songs.map((row): ForecastRow => {
    const prediction = predict(model, row);
    return {
      target_week: targetWeek,
      horizon,
      track_id: row.track_id,
      track_name: row.track_name,
      artist_names: row.artist_names,
      rank: row.rank,
      streams: row.streams,
      weeks_on_chart: row.weeks_on_chart,
      predicted_rank: prediction.rank,
      predicted_streams: prediction.streams === null ? null : Math.round(prediction.streams),
      predicted_move: row.rank - prediction.rank,
      p_stay: prediction.pStay,
      p_top10: prediction.pTop10,
      model: MODEL_NAME,
      trained_from: model.trainedFrom,
      trained_through: model.trainedThrough,
      training_rows: model.trainingRows,
      seasonal: prediction.seasonal ?? false,
      ...backtest,
    };
  });
  return { chart, week, horizon, model, rows: forecasts, reachesBackAYear: songs[0].ya_known_0 };
}
