import { lastFourAverage, persistence } from './baselines';
import { ChartHistory, targetWeekOf } from './dataset';
import type { FeatureRow } from './features';
import { score, type HorizonScore, type Scored } from './metrics';
import { DEFAULT_SETTINGS, predict, type ModelSettings } from './model';
import { RollingTrainer } from './rolling';

/** What one fold trained on, reported to `onFold` so a test can prove no fold saw its target week or later. */
export interface FoldInfo {
  horizon: number;
  origin: string;
  targetWeek: string;
  trainingRows: number;
  /** The newest week any training example's features came from. */
  maxFeatureWeek: string;
  /** The newest week any training example's label came from. */
  maxLabelWeek: string;
}

export interface BacktestOptions {
  horizons?: readonly number[];
  settings?: ModelSettings;
  onFold?: (fold: FoldInfo) => void;
  /** Only origins from this week on (the earlier weeks still train the folds): a shorter replay of the latest weeks. */
  fromOrigin?: string;
}

export interface BacktestResult {
  chart: string;
  weeks: number;
  horizons: HorizonScore[];
  scored: Scored[];
}

export const DEFAULT_HORIZONS = [1, 2, 4] as const;

/**
 * Rolling-origin backtest: for each horizon h and each origin week t whose week t+h is in the lake, fit the models
 * on examples whose labels are at most week t (so strictly before the predicted week t+h), predict every song on
 * the chart of week t, and score model and baselines against week t+h. Nothing is tuned here: the settings are
 * the fixed defaults unless a caller passes others.
 */
export function runBacktest(chart: string, rows: readonly FeatureRow[], options: BacktestOptions = {}): BacktestResult {
  const history = new ChartHistory(rows);
  const settings = options.settings ?? DEFAULT_SETTINGS;
  const horizons: HorizonScore[] = [];
  const scored: Scored[] = [];
  for (const horizon of options.horizons ?? DEFAULT_HORIZONS) {
    const forHorizon: Scored[] = [];
    // The folds' training sets grow week by week: one trainer carries them (see rolling.ts), not a refit per fold.
    const trainer = new RollingTrainer(history, horizon, settings);
    for (const origin of history.weeks) {
      const targetWeek = targetWeekOf(origin, horizon);
      if (!history.has(targetWeek) || (options.fromOrigin !== undefined && origin < options.fromOrigin)) continue;
      trainer.advance(origin);
      if (trainer.trainingWeeks < settings.minTrainingWeeks) continue;
      options.onFold?.({
        horizon,
        origin,
        targetWeek,
        trainingRows: trainer.trainingRows,
        maxFeatureWeek: trainer.maxFeatureWeek,
        maxLabelWeek: trainer.maxLabelWeek,
      });
      const model = trainer.fit();
      for (const row of history.week(origin)) {
        forHorizon.push({
          horizon,
          origin,
          targetWeek,
          row,
          target: history.find(targetWeek, row.song_id) ?? null,
          predictions: { model: predict(model, row), persistence: persistence(row), last4: lastFourAverage(row) },
        });
      }
    }
    horizons.push(score(horizon, forHorizon));
    scored.push(...forHorizon);
  }
  return { chart, weeks: history.weeks.length, horizons, scored };
}
