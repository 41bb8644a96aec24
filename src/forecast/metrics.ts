import type { Prediction } from './model';
import type { FeatureRow } from './features';

export const METHODS = ['model', 'persistence', 'last4'] as const;
export type Method = (typeof METHODS)[number];

/** One song at one origin, what each method said, and what happened at the target week. */
export interface Scored {
  horizon: number;
  origin: string;
  targetWeek: string;
  row: FeatureRow;
  target: FeatureRow | null;
  predictions: Record<Method, Prediction>;
}

export interface MethodScore {
  /** Mean absolute rank error on songs still on the chart at the target week. */
  rankMae: number;
  /** Mean absolute percentage error of streams on the same songs (those with streams), in %. */
  streamsMape: number | null;
  /** Brier score of P(on the chart at the target week), over every song on the origin chart. */
  brierStay: number;
  /** Brier score of P(in the top 10 at the target week). */
  brierTop10: number;
}

export interface HorizonScore {
  horizon: number;
  folds: number;
  firstTarget: string;
  lastTarget: string;
  examples: number;
  stayed: number;
  scores: Record<Method, MethodScore>;
}

export function score(horizon: number, scored: readonly Scored[]): HorizonScore {
  const stayed = scored.filter((item) => item.target !== null);
  const withStreams = stayed.filter((item) => item.target!.streams && item.row.streams);
  const mean = (values: number[]) => (values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : NaN);
  const scores = {} as Record<Method, MethodScore>;
  for (const method of METHODS) {
    scores[method] = {
      rankMae: mean(stayed.map((item) => Math.abs(item.predictions[method].rank - item.target!.rank))),
      streamsMape: withStreams.length
        ? 100 * mean(withStreams.map((item) => Math.abs((item.predictions[method].streams ?? item.row.streams!) - item.target!.streams!) / item.target!.streams!))
        : null,
      brierStay: mean(scored.map((item) => (item.predictions[method].pStay - (item.target ? 1 : 0)) ** 2)),
      brierTop10: mean(scored.map((item) => (item.predictions[method].pTop10 - (item.target && item.target.rank <= 10 ? 1 : 0)) ** 2)),
    };
  }
  const targets = [...new Set(scored.map((item) => item.targetWeek))].sort();
  return {
    horizon,
    folds: new Set(scored.map((item) => item.origin)).size,
    firstTarget: targets[0] ?? '',
    lastTarget: targets[targets.length - 1] ?? '',
    examples: scored.length,
    stayed: stayed.length,
    scores,
  };
}
