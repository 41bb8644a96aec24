import { targetWeekOf, type ChartHistory } from '../../src/forecast/dataset';
import { FEATURE_NAMES, featureVector, knowsChristmas } from '../../src/forecast/design';
import type { FeatureRow } from '../../src/forecast/features';
import { solveSpd } from '../../src/forecast/linalg';
import { DEFAULT_SETTINGS, NotEnoughHistory, type ModelSettings, type TrendModel } from '../../src/forecast/model';
import { sigmoid, type LinearModel } from '../../src/forecast/regression';

/**
 * The models as first written: each fit from scratch on its examples, in the plainest arithmetic (closed-form ridge,
 * Newton iterations for the logistic fits). The forecast and the backtest fit with src/forecast/rolling.ts, which
 * carries one fold's work into the next; the tests hold it to this definition.
 */

/** A training or evaluation example: a song at its origin week and, h weeks later, where it was (or null: off the chart). */
export interface Example {
  row: FeatureRow;
  targetWeek: string;
  target: FeatureRow | null;
}

/**
 * Training examples for `horizon` whose target week is at most `throughWeek`: everything the model may learn from
 * when it forecasts from origin `throughWeek`. Only origins with their whole 4-week lag window inside the lake are
 * used, so "off the chart" in a lag always means off the chart, never "before the lake began".
 */
export function trainingExamples(history: ChartHistory, horizon: number, throughWeek: string): Example[] {
  const examples: Example[] = [];
  for (const week of history.weeks) {
    const targetWeek = targetWeekOf(week, horizon);
    if (targetWeek > throughWeek) break;
    if (!history.has(targetWeek)) continue;
    for (const row of history.week(week)) {
      if (row.history_weeks < 4) continue;
      examples.push({ row, targetWeek, target: history.find(targetWeek, row.song_id) ?? null });
    }
  }
  return examples;
}

/** Column means and standard deviations of the training rows (a constant column gets scale 1). */
function standardiser(xs: readonly (readonly number[])[], width: number): { mean: number[]; scale: number[] } {
  const mean = new Array<number>(width).fill(0);
  const scale = new Array<number>(width).fill(0);
  for (const x of xs) for (let j = 0; j < width; j++) mean[j] += x[j];
  for (let j = 0; j < width; j++) mean[j] /= xs.length;
  for (const x of xs) for (let j = 0; j < width; j++) scale[j] += (x[j] - mean[j]) ** 2;
  return { mean, scale: scale.map((v) => (v / xs.length > 1e-12 ? Math.sqrt(v / xs.length) : 1)) };
}

/** The standardised rows as one flat array (row-major, `stride` wide), with a leading 1 when `intercept`. */
function standardise(xs: readonly (readonly number[])[], mean: number[], scale: number[], intercept: boolean): { z: Float64Array; stride: number } {
  const width = mean.length;
  const offset = intercept ? 1 : 0;
  const stride = width + offset;
  const z = new Float64Array(xs.length * stride);
  for (let r = 0; r < xs.length; r++) {
    const base = r * stride;
    if (intercept) z[base] = 1;
    for (let j = 0; j < width; j++) z[base + offset + j] = (xs[r][j] - mean[j]) / scale[j];
  }
  return { z, stride };
}

/** A symmetric `size`×`size` matrix with `diagonal` on its diagonal (optionally not at [0][0]). */
function diagonalMatrix(size: number, diagonal: number, skipFirst: boolean): number[][] {
  return Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => (i === j && !(skipFirst && i === 0) ? diagonal : 0)));
}

/** Closed-form ridge regression (intercept not penalised): (ZᵀZ + λI)·w = Zᵀ(y - ȳ) on standardised Z. */
export function fitRidge(names: readonly string[], xs: readonly (readonly number[])[], ys: readonly number[], lambda: number): LinearModel {
  if (xs.length === 0) throw new Error('ridge regression needs at least one training row');
  const width = names.length;
  const { mean, scale } = standardiser(xs, width);
  const { z } = standardise(xs, mean, scale, false);
  const yMean = ys.reduce((sum, y) => sum + y, 0) / ys.length;
  const a = diagonalMatrix(width, lambda, false);
  const b = new Array<number>(width).fill(0);
  for (let r = 0; r < xs.length; r++) {
    const base = r * width;
    const y = ys[r] - yMean;
    for (let i = 0; i < width; i++) {
      const zi = z[base + i];
      b[i] += zi * y;
      const ai = a[i];
      for (let j = 0; j <= i; j++) ai[j] += zi * z[base + j];
    }
  }
  for (let i = 0; i < width; i++) for (let j = 0; j < i; j++) a[j][i] = a[i][j];
  return { names, mean, scale, weights: solveSpd(a, b), intercept: yMean };
}

/**
 * L2-penalised logistic regression by Newton's method (IRLS) with step halving: each step solves
 * (ZᵀWZ + λI)·Δ = Zᵀ(y - p) - λw (intercept not penalised) and is halved until the penalised log-likelihood
 * improves, since a full Newton step can overshoot on (nearly) separable data such as "in the top 10".
 */
export function fitLogistic(names: readonly string[], xs: readonly (readonly number[])[], ys: readonly number[], lambda: number, iterations = 30): LinearModel {
  if (xs.length === 0) throw new Error('logistic regression needs at least one training row');
  const width = names.length;
  const { mean, scale } = standardiser(xs, width);
  const { z, stride: size } = standardise(xs, mean, scale, true);
  const rows = xs.length;
  const positives = ys.reduce((sum, y) => sum + y, 0);
  const prior = Math.min(Math.max(positives / rows, 1e-4), 1 - 1e-4);
  let w = [Math.log(prior / (1 - prior)), ...new Array<number>(width).fill(0)];
  const scoreOf = (weights: readonly number[], r: number): number => {
    let s = 0;
    const base = r * size;
    for (let i = 0; i < size; i++) s += weights[i] * z[base + i];
    return s;
  };
  const objective = (weights: readonly number[]): number => {
    let value = 0;
    for (let r = 0; r < rows; r++) {
      const s = scoreOf(weights, r);
      value += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - ys[r] * s; // log(1+eˢ) - y·s, overflow-safe
    }
    for (let i = 1; i < size; i++) value += (lambda / 2) * weights[i] ** 2;
    return value;
  };
  let current = objective(w);
  for (let step = 0; step < iterations; step++) {
    const h = diagonalMatrix(size, lambda, true);
    const g = w.map((wi, i) => (i > 0 ? -lambda * wi : 0));
    for (let r = 0; r < rows; r++) {
      const base = r * size;
      const p = sigmoid(scoreOf(w, r));
      const weight = Math.max(p * (1 - p), 1e-9);
      const residual = ys[r] - p;
      for (let i = 0; i < size; i++) {
        const zi = z[base + i];
        g[i] += zi * residual;
        const hi = h[i];
        const wz = weight * zi;
        for (let j = 0; j <= i; j++) hi[j] += wz * z[base + j];
      }
    }
    h[0][0] += 1e-6; // an all-positive or all-negative training set leaves the intercept unbounded
    for (let i = 0; i < size; i++) for (let j = 0; j < i; j++) h[j][i] = h[i][j];
    const delta = solveSpd(h, g);
    let factor = 1;
    let next = w.map((wi, i) => wi + delta[i]);
    let value = objective(next);
    while (value > current && factor > 1e-4) {
      factor /= 2;
      next = w.map((wi, i) => wi + factor * delta[i]);
      value = objective(next);
    }
    if (value > current) break;
    const improvement = current - value;
    w = next;
    current = value;
    if (improvement < 1e-9 * (1 + Math.abs(current))) break;
  }
  return { names, mean, scale, weights: w.slice(1), intercept: w[0] };
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
