import { FEATURE_NAMES, featureVector } from './design';
import type { FeatureRow } from './features';
import { linearScore, sigmoid, type LinearModel } from './regression';

export const MODEL_NAME = 'ridge+logistic-v2';

/**
 * Hyperparameters, fixed a priori (before any backtest was run) and never tuned on test weeks: penalties on
 * standardised features, mild next to thousands of training rows; enough distinct training weeks to say anything.
 */
export interface ModelSettings {
  ridgeLambda: number;
  logisticLambda: number;
  /** A fold (or a forecast) needs examples from at least this many target weeks. */
  minTrainingWeeks: number;
}

export const DEFAULT_SETTINGS: ModelSettings = { ridgeLambda: 10, logisticLambda: 1, minTrainingWeeks: 4 };

export interface Prediction {
  /** Expected rank at the target week if the song is still on the chart. */
  rank: number;
  /** Expected streams at the target week if the song is still on the chart (null without streams). */
  streams: number | null;
  pStay: number;
  pTop10: number;
  /**
   * The year-ago features drove it: the song was on the chart around this week a year earlier, and without them
   * the predicted rank would differ by more than SEASONAL_RANK_FACTOR or P(stays) by more than SEASONAL_P_STAY.
   * Set by the model only (baselines have no such notion).
   */
  seasonal?: boolean;
}

export const SEASONAL_RANK_FACTOR = 1.25;
export const SEASONAL_P_STAY = 0.15;
const ON_CHART_THEN = FEATURE_NAMES.indexOf('ya_on_then');
const ON_CHART_AFTER = FEATURE_NAMES.indexOf('ya_on_after');

/** Four small linear models sharing one feature vector; each is a list of coefficients one can read. */
export interface TrendModel {
  horizon: number;
  trainedFrom: string;
  trainedThrough: string;
  trainingRows: number;
  trainingWeeks: number;
  /** Whether the calendar features are on: the training examples include an earlier year's Christmas. */
  calendar: boolean;
  /** Change of log rank, on songs that stayed. */
  rank: LinearModel;
  /** Change of log streams, on songs that stayed with streams both weeks; null when the chart has no streams. */
  streams: LinearModel | null;
  /** Log-odds of being on the chart at the target week. */
  stay: LinearModel;
  /** Log-odds of being in the top 10 at the target week. */
  top10: LinearModel;
}

/** Fewer training weeks than `ModelSettings.minTrainingWeeks`: nothing to fit yet. */
export class NotEnoughHistory extends Error {}

export function predict(model: TrendModel, row: FeatureRow): Prediction {
  const x = featureVector(row, model.horizon, { calendar: model.calendar });
  const rankOf = (vector: number[]) => Math.min(Math.max(row.rank * Math.exp(linearScore(model.rank, vector)), 1), row.chart_size);
  const rank = rankOf(x);
  const streams = model.streams && row.streams ? row.streams * Math.exp(linearScore(model.streams, x)) : null;
  const pStay = sigmoid(linearScore(model.stay, x));
  let seasonal = false;
  if (x[ON_CHART_THEN] === 1 || x[ON_CHART_AFTER] === 1) {
    const withoutYearAgo = featureVector(row, model.horizon, { yearAgo: false, calendar: model.calendar });
    seasonal = Math.abs(Math.log(rank / rankOf(withoutYearAgo))) > Math.log(SEASONAL_RANK_FACTOR)
      || Math.abs(pStay - sigmoid(linearScore(model.stay, withoutYearAgo))) > SEASONAL_P_STAY;
  }
  return { rank, streams, pStay, pTop10: sigmoid(linearScore(model.top10, x)), seasonal };
}
