import { FEATURE_NAMES, featureVector, knowsChristmas } from './design';
import type { Example } from './dataset';
import type { FeatureRow } from './features';
import { fitLogistic, fitRidge, linearScore, sigmoid, type LinearModel } from './regression';

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

/** Feature vectors by horizon, calendar and row: a backtest refits on the same rows week after week. */
const vectors = new Map<string, WeakMap<FeatureRow, number[]>>();
function cachedVector(row: FeatureRow, horizon: number, calendar: boolean): number[] {
  let byRow = vectors.get(`${horizon}|${calendar}`);
  if (!byRow) vectors.set(`${horizon}|${calendar}`, (byRow = new WeakMap()));
  let vector = byRow.get(row);
  if (!vector) {
    vector = featureVector(row, horizon, { calendar });
    byRow.set(row, vector);
  }
  return vector;
}

export class NotEnoughHistory extends Error {}

export function fitTrendModel(examples: readonly Example[], horizon: number, settings: ModelSettings = DEFAULT_SETTINGS): TrendModel {
  const targetWeeks = [...new Set(examples.map((example) => example.targetWeek))].sort();
  if (targetWeeks.length < settings.minTrainingWeeks) {
    throw new NotEnoughHistory(`a ${horizon}-week forecast needs ${settings.minTrainingWeeks} weeks of examples with 4 weeks of history before them; the lake has ${targetWeeks.length}`);
  }
  const calendar = knowsChristmas(targetWeeks);
  const xs = examples.map((example) => cachedVector(example.row, horizon, calendar));
  const stayed = examples.map((example, index) => ({ example, x: xs[index] })).filter(({ example }) => example.target !== null);
  const withStreams = stayed.filter(({ example }) => example.row.streams && example.target?.streams);
  const rank = fitRidge(FEATURE_NAMES, stayed.map(({ x }) => x), stayed.map(({ example }) => Math.log(example.target!.rank / example.row.rank)), settings.ridgeLambda);
  const streams = withStreams.length >= 20
    ? fitRidge(FEATURE_NAMES, withStreams.map(({ x }) => x), withStreams.map(({ example }) => Math.log(example.target!.streams! / example.row.streams!)), settings.ridgeLambda)
    : null;
  const stay = fitLogistic(FEATURE_NAMES, xs, examples.map((example) => (example.target ? 1 : 0)), settings.logisticLambda);
  const top10 = fitLogistic(FEATURE_NAMES, xs, examples.map((example) => (example.target && example.target.rank <= 10 ? 1 : 0)), settings.logisticLambda);
  return {
    horizon,
    trainedFrom: targetWeeks[0],
    trainedThrough: targetWeeks[targetWeeks.length - 1],
    trainingRows: examples.length,
    trainingWeeks: targetWeeks.length,
    calendar,
    rank,
    streams,
    stay,
    top10,
  };
}

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
