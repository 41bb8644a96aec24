import { targetWeekOf, type ChartHistory } from './dataset';
import { FEATURE_NAMES, featureVector, knowsChristmas } from './design';
import type { FeatureRow } from './features';
import { cholesky, solveCholesky, solveSpd } from './linalg';
import { DEFAULT_SETTINGS, NotEnoughHistory, type ModelSettings, type TrendModel } from './model';
import type { LinearModel } from './regression';

/**
 * The backtest's training, fold after fold, without refitting from scratch: a fold's training set is the previous
 * fold's plus the examples of the target weeks that became known, so the examples are kept in one growing list,
 * the ridge fits are solved from running sums (Σuuᵀ, Σuy: the normal equations) and each logistic fit starts from the
 * previous fold's coefficients and its Hessian. Every fold fits the same models as `fitTrendModel` would on
 * `trainingExamples(history, horizon, origin)`, the same penalties on the same fold's standardised features, to within
 * the solver's tolerance (test/forecast/rolling.test.ts holds them to the per-fold refit): only the arithmetic is
 * shared between folds, never a week the fold may not see.
 */

const WIDTH = FEATURE_NAMES.length;
/** A row of the example matrix: a leading 1 (the intercept), then the features. */
const STRIDE = 1 + WIDTH;
/** The calendar features are the last two: a fold without the calendar fits the first WIDTH - 2 (see `fitTrendModel`). */
const CALENDAR = ['christmas_target', 'christmas_change'];
if (FEATURE_NAMES.slice(-CALENDAR.length).join() !== CALENDAR.join()) throw new Error('rolling.ts expects the calendar features last');

/**
 * Logistic convergence: the fit stops when a step moves no coefficient (on the fold's standardised features) by more
 * than this, and takes that last step. On the demo lake the probabilities land within ~1e-9 of a fit iterated to
 * 1e-13; fitLogistic, which stops when the objective improves by less than 1e-9 of itself, within ~1e-6.
 */
const STEP_TOLERANCE = 1e-9;
/**
 * A step with a stale Hessian must be at most this fraction of the step before it, else the Hessian is recomputed
 * at the current coefficients (one pass over every row costing ~8 steps).
 */
const CONTRACTION = 0.3;
const MAX_STEPS = 100;

/**
 * Reference coordinates u = (x - mean₀)/scale₀, from the first fitted fold's training rows: the running sums are kept
 * in them (centred, so the sums lose no precision) and each fold's standardisation is derived from the sums.
 */
interface Reference {
  mean: Float64Array;
  scale: Float64Array;
}

/** Running sums of a subset of the rows in reference coordinates: n, Σu, ΣuuT (lower triangle), Σy, Σuy. */
class Moments {
  n = 0;
  sy = 0;
  readonly su = new Float64Array(WIDTH);
  readonly suu = new Float64Array(WIDTH * WIDTH);
  readonly suy = new Float64Array(WIDTH);

  /** Adds the row at `offset` of `u` (a STRIDE-wide row whose features start at offset + 1). */
  add(u: Float64Array, offset: number, y: number): void {
    this.n++;
    this.sy += y;
    for (let i = 0; i < WIDTH; i++) {
      const ui = u[offset + 1 + i];
      this.su[i] += ui;
      this.suy[i] += ui * y;
      const base = i * WIDTH;
      for (let j = 0; j <= i; j++) this.suu[base + j] += ui * u[offset + 1 + j];
    }
  }

  /**
   * The fold's standardisation of the first `width` features, as `standardiser` in regression.ts computes it on these
   * rows (a constant column gets scale 1), and the mean of u.
   */
  standardisation(reference: Reference, width: number): { mean: number[]; scale: number[]; uMean: Float64Array } {
    const mean = new Array<number>(WIDTH).fill(0);
    const scale = new Array<number>(WIDTH).fill(1);
    const uMean = new Float64Array(WIDTH);
    for (let j = 0; j < width; j++) {
      uMean[j] = this.su[j] / this.n;
      const variance = reference.scale[j] ** 2 * (this.suu[j * WIDTH + j] / this.n - uMean[j] ** 2);
      mean[j] = reference.mean[j] + reference.scale[j] * uMean[j];
      scale[j] = variance > 1e-12 ? Math.sqrt(variance) : 1;
    }
    return { mean, scale, uMean };
  }
}

/**
 * Ridge regression (as `fitRidge`) from running sums: on the fold's standardised z = d·(u - ū), d = scale₀/scale,
 * ZᵀZ = d·(Σuuᵀ - n·ū·ūᵀ)·d and Zᵀ(y - ȳ) = d·(Σuy - ū·Σy).
 */
function ridgeFromMoments(moments: Moments, reference: Reference, width: number, lambda: number): LinearModel {
  if (moments.n === 0) throw new Error('ridge regression needs at least one training row');
  const { mean, scale, uMean } = moments.standardisation(reference, width);
  const n = moments.n;
  const d = Array.from({ length: width }, (_, j) => reference.scale[j] / scale[j]);
  const a = Array.from({ length: width }, () => new Array<number>(width).fill(0));
  const b = new Array<number>(width).fill(0);
  for (let i = 0; i < width; i++) {
    b[i] = d[i] * (moments.suy[i] - uMean[i] * moments.sy);
    for (let j = 0; j <= i; j++) {
      a[i][j] = a[j][i] = d[i] * d[j] * (moments.suu[i * WIDTH + j] - n * uMean[i] * uMean[j]);
    }
    a[i][i] += lambda;
  }
  const weights = [...solveSpd(a, b), ...new Array<number>(WIDTH - width).fill(0)];
  return { names: FEATURE_NAMES, mean, scale, weights, intercept: moments.sy / n };
}

/**
 * One of the logistic models (stay, top 10) across folds. In reference coordinates the fold's model is
 * s = v₀ + Σ vⱼ·uⱼ with penalty λ/2·Σ(vⱼ/dⱼ)² (the fold's penalty λ/2·Σwⱼ² on its standardised features, wⱼ = vⱼ/dⱼ),
 * so v carries over from fold to fold, and so does the Hessian Σ p(1-p)·ũũᵀ: each row's term is taken at the
 * coefficients of when it was added or last recomputed, close to the new fold's since folds differ by one week. Steps
 * with such a stale Hessian still converge to the fold's own optimum (the gradient is always exact), only linearly:
 * the Hessian is recomputed when they contract too slowly or overshoot.
 */
class RollingLogistic {
  private v: Float64Array | null = null;
  private readonly hessian = new Float64Array(STRIDE * STRIDE);
  private hessianRows = 0;
  /** The residuals (y - p) of every row at the current coefficients, and at a candidate step. */
  private at = { residuals: new Float64Array(0) };
  private candidate = { residuals: new Float64Array(0) };

  constructor(private readonly lambda: number) {}

  fit(u: Float64Array, ys: Float64Array, rows: number, all: Moments, reference: Reference, width: number): LinearModel {
    if (rows === 0) throw new Error('logistic regression needs at least one training row');
    const size = 1 + width;
    const { mean, scale, uMean } = all.standardisation(reference, width);
    const d = new Float64Array(width);
    for (let j = 0; j < width; j++) d[j] = reference.scale[j] / scale[j];
    // The penalty on v, per coordinate (none on the intercept).
    const penalty = new Float64Array(size);
    for (let j = 1; j < size; j++) penalty[j] = this.lambda / d[j - 1] ** 2;
    /** A step's length on the fold's own standardised coefficients: w = v/d, w₀ = v₀ + Σ vⱼ·ūⱼ. */
    const lengthOf = (delta: readonly number[]): number => {
      let largest = 0;
      let intercept = delta[0];
      for (let j = 1; j < size; j++) {
        largest = Math.max(largest, Math.abs(delta[j] / d[j - 1]));
        intercept += delta[j] * uMean[j - 1];
      }
      return Math.max(largest, Math.abs(intercept));
    };

    let v = this.v;
    if (!v) {
      // fitLogistic's start: the intercept at the prior log-odds, every weight 0.
      let positives = 0;
      for (let r = 0; r < rows; r++) positives += ys[r];
      const prior = Math.min(Math.max(positives / rows, 1e-4), 1 - 1e-4);
      v = new Float64Array(STRIDE);
      v[0] = Math.log(prior / (1 - prior));
    }
    // A fold without the calendar has no calendar weights (fitLogistic leaves a zero column at 0).
    for (let j = size; j < STRIDE; j++) v[j] = 0;
    if (this.at.residuals.length < rows) {
      const capacity = Math.max(rows, 2 * this.at.residuals.length);
      this.at = { residuals: new Float64Array(capacity) };
      this.candidate = { residuals: new Float64Array(capacity) };
    }

    let gradient = evaluate(u, ys, rows, size, v, penalty, this.at);
    let fresh = false;
    const refresh = (): void => {
      this.hessian.fill(0);
      this.hessianRows = 0;
      this.addToHessian(u, ys, rows);
      fresh = true;
    };
    if (this.hessianRows === 0) refresh();
    else this.addToHessian(u, ys, rows);
    let matrix = this.penalised(size, penalty);
    let factor = cholesky(matrix);
    let previous = Infinity;
    const next = new Float64Array(STRIDE);
    for (let step = 0; step < MAX_STEPS; step++) {
      const delta = solveCholesky(factor, gradient);
      const length = lengthOf(delta);
      if (length < STEP_TOLERANCE) {
        for (let k = 0; k < size; k++) v[k] += delta[k];
        break;
      }
      if (!fresh && length > CONTRACTION * previous) {
        // Stale steps that shrink this slowly: a Newton step at the current coefficients gets there sooner.
        refresh();
        factor = cholesky((matrix = this.penalised(size, penalty)));
        continue;
      }
      // Along the step the objective is convex; its slope is -g·Δ < 0 at the start. The step is taken unless the slope
      // at its end says it went well past the minimum along the line (on a quadratic, a step is downhill as long as the
      // end slope is below the start's absolute slope; half of it leaves room for the higher terms). Far cheaper than
      // evaluating the objective: the end's gradient is the next step's anyway.
      let slope = 0;
      for (let k = 0; k < size; k++) slope += gradient[k] * delta[k];
      let fraction = 1;
      let after: Float64Array;
      let accepted: boolean;
      for (;;) {
        for (let k = 0; k < size; k++) next[k] = v[k] + fraction * delta[k];
        after = evaluate(u, ys, rows, size, next, penalty, this.candidate);
        let endSlope = 0;
        for (let k = 0; k < size; k++) endSlope -= after[k] * delta[k];
        accepted = endSlope <= 0.5 * slope;
        if (accepted || !fresh || fraction < 1e-4) break;
        fraction /= 2; // a Newton step can overshoot on (nearly) separable data, as in fitLogistic
      }
      if (!accepted) {
        if (fresh) break; // not even a small Newton step goes downhill: the optimum, to rounding
        refresh(); // a stale Hessian overshot
        factor = cholesky((matrix = this.penalised(size, penalty)));
        continue;
      }
      if (!fresh) {
        // BFGS: the stale Hessian corrected by the curvature this step met (superlinear rather than linear steps)
        const taken = new Float64Array(size);
        for (let k = 0; k < size; k++) taken[k] = next[k] - v[k];
        if (bfgs(matrix, taken, gradient, after, size)) factor = cholesky(matrix);
      }
      v.set(next);
      [this.at, this.candidate] = [this.candidate, this.at];
      gradient = after;
      previous = length * fraction;
      fresh = false;
    }
    this.v = v;
    const weights = new Array<number>(WIDTH).fill(0);
    let intercept = v[0];
    for (let j = 0; j < width; j++) {
      weights[j] = v[1 + j] / d[j];
      intercept += v[1 + j] * uMean[j];
    }
    return { names: FEATURE_NAMES, mean, scale, weights, intercept };
  }

  /** Adds rows [hessianRows, rows) at the current scores, over every feature (a later fold may want the calendar). */
  private addToHessian(u: Float64Array, ys: Float64Array, rows: number): void {
    const h = this.hessian;
    const residuals = this.at.residuals;
    for (let r = this.hessianRows; r < rows; r++) {
      const base = r * STRIDE;
      const p = ys[r] - residuals[r];
      const weight = Math.max(p * (1 - p), 1e-9);
      for (let i = 0; i < STRIDE; i++) {
        const wi = weight * u[base + i];
        const hBase = i * STRIDE;
        let j = 0;
        for (; j + 3 <= i; j += 4) {
          h[hBase + j] += wi * u[base + j];
          h[hBase + j + 1] += wi * u[base + j + 1];
          h[hBase + j + 2] += wi * u[base + j + 2];
          h[hBase + j + 3] += wi * u[base + j + 3];
        }
        for (; j <= i; j++) h[hBase + j] += wi * u[base + j];
      }
    }
    this.hessianRows = rows;
  }

  /** The accumulated Hessian of the first `size` coordinates with the fold's penalty: the matrix a step solves. */
  private penalised(size: number, penalty: Float64Array): number[][] {
    const a = Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => this.hessian[i >= j ? i * STRIDE + j : j * STRIDE + i]));
    for (let k = 1; k < size; k++) a[k][k] += penalty[k];
    a[0][0] += 1e-6; // as fitLogistic: an all-positive or all-negative training set leaves the intercept unbounded
    return a;
  }
}

/** Minus the objective's gradient at `v`, Σ (y - p)·ũ - penalty·v, with each row's residual y - p stored in `into`. */
function evaluate(u: Float64Array, ys: Float64Array, rows: number, size: number, v: Float64Array, penalty: Float64Array, into: { residuals: Float64Array }): Float64Array {
  const { residuals } = into;
  const gradient = new Float64Array(size);
  // Unrolled by four: the two loops are the backtest's hot spot, and V8 runs them ~1.5× faster so.
  const end4 = size - (size % 4);
  for (let r = 0; r < rows; r++) {
    const base = r * STRIDE;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let k = 0;
    for (; k < end4; k += 4) {
      s0 += v[k] * u[base + k];
      s1 += v[k + 1] * u[base + k + 1];
      s2 += v[k + 2] * u[base + k + 2];
      s3 += v[k + 3] * u[base + k + 3];
    }
    for (; k < size; k++) s0 += v[k] * u[base + k];
    const s = s0 + s1 + (s2 + s3);
    const e = Math.exp(-Math.abs(s)); // σ(s) from e^-|s|, overflow-safe, as regression.ts's sigmoid
    const residual = ys[r] - (s >= 0 ? 1 / (1 + e) : e / (1 + e));
    residuals[r] = residual;
    for (k = 0; k < end4; k += 4) {
      gradient[k] += residual * u[base + k];
      gradient[k + 1] += residual * u[base + k + 1];
      gradient[k + 2] += residual * u[base + k + 2];
      gradient[k + 3] += residual * u[base + k + 3];
    }
    for (; k < size; k++) gradient[k] += residual * u[base + k];
  }
  for (let k = 1; k < size; k++) gradient[k] -= penalty[k] * v[k];
  return gradient;
}

/**
 * The BFGS update of the Hessian approximation `b` in place, from a step `s` and the (minus) gradients before and
 * after it: b + yyᵀ/yᵀs - (bs)(bs)ᵀ/sᵀbs with y = before - after. Skipped (false) when the curvature yᵀs is not
 * clearly positive, which on a strictly convex objective is only rounding.
 */
function bfgs(b: number[][], s: Float64Array, before: Float64Array, after: Float64Array, size: number): boolean {
  const y = new Float64Array(size);
  let ys = 0;
  for (let k = 0; k < size; k++) {
    y[k] = before[k] - after[k];
    ys += y[k] * s[k];
  }
  const bs = new Float64Array(size);
  let sbs = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) bs[i] += b[i][j] * s[j];
    sbs += s[i] * bs[i];
  }
  if (!(ys > 1e-12 * sbs) || !(sbs > 0)) return false;
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) b[i][j] += (y[i] * y[j]) / ys - (bs[i] * bs[j]) / sbs;
  return true;
}

/**
 * The training set of a backtest at one horizon as its origin moves forward week by week: `advance(origin)` takes
 * in the examples whose target week is at most the origin (exactly those `trainingExamples` lists, in its order),
 * `fit()` fits the models on them.
 */
export class RollingTrainer {
  private nextWeek = 0;
  private throughWeek = '';
  private rows = 0;
  private raw: number[][] = [];
  private u = new Float64Array(0);
  private stayY = new Float64Array(0);
  private top10Y = new Float64Array(0);
  private examples: { row: FeatureRow; target: FeatureRow | null }[] = [];
  private inMoments = 0;
  private reference: Reference | null = null;
  private readonly all = new Moments();
  private readonly rank = new Moments();
  private readonly streams = new Moments();
  private readonly stay: RollingLogistic;
  private readonly top10: RollingLogistic;
  private readonly targetWeeks: string[] = [];
  /** The newest week any training example's features / label came from (the leakage test's witnesses). */
  maxFeatureWeek = '';
  maxLabelWeek = '';

  constructor(
    private readonly history: ChartHistory,
    readonly horizon: number,
    private readonly settings: ModelSettings = DEFAULT_SETTINGS,
  ) {
    this.stay = new RollingLogistic(settings.logisticLambda);
    this.top10 = new RollingLogistic(settings.logisticLambda);
  }

  get trainingRows(): number {
    return this.rows;
  }

  /** Distinct target weeks among the examples. */
  get trainingWeeks(): number {
    return this.targetWeeks.length;
  }

  /** Takes in every example whose target week is at most `throughWeek` (which only moves forward: a fold never unlearns). */
  advance(throughWeek: string): void {
    if (throughWeek < this.throughWeek) throw new Error(`the rolling training set is through ${this.throughWeek}; it cannot go back to ${throughWeek}`);
    this.throughWeek = throughWeek;
    const weeks = this.history.weeks;
    for (; this.nextWeek < weeks.length; this.nextWeek++) {
      const week = weeks[this.nextWeek];
      const targetWeek = targetWeekOf(week, this.horizon);
      if (targetWeek > throughWeek) break;
      if (!this.history.has(targetWeek)) continue;
      let added = false;
      for (const row of this.history.week(week)) {
        if (row.history_weeks < 4) continue;
        const target = this.history.find(targetWeek, row.song_id) ?? null;
        this.examples.push({ row, target });
        this.raw.push(featureVector(row, this.horizon, { calendar: true }));
        if (row.week > this.maxFeatureWeek) this.maxFeatureWeek = row.week;
        if (targetWeek > this.maxLabelWeek) this.maxLabelWeek = targetWeek;
        this.rows++;
        added = true;
      }
      if (added) this.targetWeeks.push(targetWeek);
    }
  }

  /** The models `fitTrendModel` fits on the examples taken in so far (to the solver's tolerance). */
  fit(): TrendModel {
    const { horizon, settings, targetWeeks } = this;
    if (targetWeeks.length < settings.minTrainingWeeks) {
      throw new NotEnoughHistory(`a ${horizon}-week forecast needs ${settings.minTrainingWeeks} weeks of examples with 4 weeks of history before them; the lake has ${targetWeeks.length}`);
    }
    this.takeInPending();
    const calendar = knowsChristmas(targetWeeks);
    const width = calendar ? WIDTH : WIDTH - CALENDAR.length;
    const reference = this.reference!;
    return {
      horizon,
      trainedFrom: targetWeeks[0],
      trainedThrough: targetWeeks[targetWeeks.length - 1],
      trainingRows: this.rows,
      trainingWeeks: targetWeeks.length,
      calendar,
      rank: ridgeFromMoments(this.rank, reference, width, settings.ridgeLambda),
      streams: this.streams.n >= 20 ? ridgeFromMoments(this.streams, reference, width, settings.ridgeLambda) : null,
      stay: this.stay.fit(this.u, this.stayY, this.rows, this.all, reference, width),
      top10: this.top10.fit(this.u, this.top10Y, this.rows, this.all, reference, width),
    };
  }

  /** Moves the examples taken in since the last fit into the matrix and the running sums. */
  private takeInPending(): void {
    if (!this.reference) this.reference = referenceOf(this.raw);
    const { mean, scale } = this.reference;
    if (this.u.length < this.rows * STRIDE) {
      const grown = (old: Float64Array, length: number) => {
        const array = new Float64Array(length);
        array.set(old);
        return array;
      };
      const capacity = Math.max(this.rows, 2 * this.u.length / STRIDE);
      this.u = grown(this.u, capacity * STRIDE);
      this.stayY = grown(this.stayY, capacity);
      this.top10Y = grown(this.top10Y, capacity);
    }
    for (let r = this.inMoments; r < this.rows; r++) {
      const x = this.raw[r - this.inMoments];
      const base = r * STRIDE;
      this.u[base] = 1;
      for (let j = 0; j < WIDTH; j++) this.u[base + 1 + j] = (x[j] - mean[j]) / scale[j];
      const { row, target } = this.examples[r];
      this.stayY[r] = target ? 1 : 0;
      this.top10Y[r] = target && target.rank <= 10 ? 1 : 0;
      this.all.add(this.u, base, 0);
      if (target) {
        this.rank.add(this.u, base, Math.log(target.rank / row.rank));
        if (row.streams && target.streams) this.streams.add(this.u, base, Math.log(target.streams / row.streams));
      }
    }
    this.raw = [];
    this.inMoments = this.rows;
  }
}

/** Column means and standard deviations of the rows (a constant column gets scale 1), as typed arrays. */
function referenceOf(xs: readonly number[][]): Reference {
  const mean = new Float64Array(WIDTH);
  const scale = new Float64Array(WIDTH);
  for (const x of xs) for (let j = 0; j < WIDTH; j++) mean[j] += x[j];
  for (let j = 0; j < WIDTH; j++) mean[j] /= xs.length;
  for (const x of xs) for (let j = 0; j < WIDTH; j++) scale[j] += (x[j] - mean[j]) ** 2;
  for (let j = 0; j < WIDTH; j++) scale[j] = scale[j] / xs.length > 1e-12 ? Math.sqrt(scale[j] / xs.length) : 1;
  return { mean, scale };
}
