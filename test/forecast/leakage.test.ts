import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { runBacktest, predict, type BacktestResult, type FeatureRow, type FoldInfo, type Scored } from '../../src/forecast';
import { ChartHistory, targetWeekOf } from '../../src/forecast/dataset';
import { fitTrendModel, trainingExamples } from './reference-fit';
import { removeDir, tempDir } from '../support/lake';
import { DEMO_CHART, TWO_YEARS, writeDemoCharts } from './demo-charts';
import { CHART, importLake, syntheticLake, type TestLake } from './support';
import { weekOf } from './synthetic-charts';

const key = (item: Scored) => `${item.horizon}|${item.origin}|${item.row.track_id}`;

interface PoisonedPair {
  chart: string;
  /** The first week whose chart is an unrelated history in the poisoned lake. */
  firstPoisoned: string;
  /** Both lakes, built under `dir`: the clean one and the one whose weeks from `firstPoisoned` on are replaced. */
  build(dir: (name: string) => string): Promise<{ clean: TestLake; poisoned: TestLake }>;
  /** Replay only origins from this week on (the 2-year lake's folds are many). */
  fromOrigin?: string;
  /** Rows of the clean lake before the poison. */
  rowsBefore: number;
  /** A harness limit for the heavy two-year pair on a busy machine, not a speed assertion. */
  timeoutMs?: number;
}

/** The leakage test, run on a lake: every prediction from an origin before the poisoned weeks is bit-identical. */
function leakageSuite(title: string, pair: PoisonedPair): void {
  describe(title, function () {
    if (pair.timeoutMs) this.timeout(pair.timeoutMs);
    const dirs: string[] = [];
    let clean: TestLake;
    let poisoned: TestLake;
    let cleanResult: BacktestResult;
    let poisonedResult: BacktestResult;
    const folds: FoldInfo[] = [];

    before(async () => {
      ({ clean, poisoned } = await pair.build((name) => {
        const dir = tempDir(name);
        dirs.push(dir);
        return dir;
      }));
      cleanResult = runBacktest(pair.chart, clean.features, { horizons: [1, 2], fromOrigin: pair.fromOrigin, onFold: (fold) => folds.push(fold) });
      poisonedResult = runBacktest(pair.chart, poisoned.features, { horizons: [1, 2], fromOrigin: pair.fromOrigin });
    });
    after(async () => {
      await clean?.close();
      await poisoned?.close();
      dirs.forEach(removeDir);
    });

    it('the two lakes agree before the poisoned weeks and differ from them on', () => {
      const before = (rows: readonly FeatureRow[]) => rows.filter((row) => row.week < pair.firstPoisoned);
      expect(before(poisoned.features)).to.have.length(pair.rowsBefore);
      expect(before(poisoned.features)).to.deep.equal(before(clean.features));
      const after = (rows: readonly FeatureRow[]) => rows.filter((row) => row.week >= pair.firstPoisoned).map((row) => `${row.track_id}:${row.streams}`);
      expect(after(poisoned.features)).to.not.deep.equal(after(clean.features));
    });

    it('trains every fold only on labels known at its origin, strictly before the predicted week', () => {
      expect(folds.length).to.be.greaterThan(5);
      for (const fold of folds) {
        expect(fold.maxLabelWeek <= fold.origin, `${fold.horizon}w fold at ${fold.origin}: label week ${fold.maxLabelWeek}`).to.equal(true);
        expect(fold.maxFeatureWeek < fold.targetWeek).to.equal(true);
        expect(fold.targetWeek).to.equal(targetWeekOf(fold.origin, fold.horizon));
      }
    });

    it('gives bit-identical predictions from every origin before the poisoned weeks', () => {
      const poisonedByKey = new Map(poisonedResult.scored.map((item) => [key(item), item]));
      const early = cleanResult.scored.filter((item) => item.origin < pair.firstPoisoned);
      expect(new Set(early.map((item) => item.origin)).size).to.be.greaterThanOrEqual(2);
      for (const item of early) {
        const twin = poisonedByKey.get(key(item));
        expect(twin, key(item)).to.not.equal(undefined);
        // deep.equal compares numbers with ===: any leak of a poisoned week would move some last bit
        expect(twin!.predictions.model, key(item)).to.deep.equal(item.predictions.model);
        expect(twin!.predictions.last4).to.deep.equal(item.predictions.last4);
      }
    });

    it('does change predictions from origins inside the poisoned weeks (the poison is visible)', () => {
      const late = (result: BacktestResult) => result.scored.filter((item) => item.origin >= pair.firstPoisoned).map((item) => `${key(item)}:${item.predictions.model.pStay}`);
      expect(late(cleanResult)).to.not.have.length(0);
      expect(late(poisonedResult)).to.not.deep.equal(late(cleanResult));
    });

    it('would catch a leak: a model trained through its target week differs between the lakes', () => {
      // The control experiment: the same fit, but with the predicted week's labels let in.
      const history = (lake: TestLake) => new ChartHistory(lake.features);
      const origin = history(clean).weeks.filter((week) => week < pair.firstPoisoned).pop()!;
      const leakyPStay = (lake: TestLake) => {
        const model = fitTrendModel(trainingExamples(history(lake), 1, targetWeekOf(origin, 1)), 1);
        return history(lake).week(origin).map((row) => predict(model, row).pStay);
      };
      expect(leakyPStay(poisoned)).to.not.deep.equal(leakyPStay(clean));
    });
  });
}

const SYNTHETIC_POISON_FROM = 12; // weeks 12..15 of the poisoned 16-week lake are an unrelated history
leakageSuite('forecast backtest never sees the future (poisoned-future lake)', {
  chart: CHART,
  firstPoisoned: weekOf(SYNTHETIC_POISON_FROM),
  rowsBefore: SYNTHETIC_POISON_FROM * 200,
  build: async (dir) => ({ clean: await syntheticLake(dir('forecast-clean'), 16), poisoned: await syntheticLake(dir('forecast-poisoned'), 16, SYNTHETIC_POISON_FROM) }),
});

// The same on the two-year demo lake, where the year-ago and calendar features are live: the poison starts in the
// week before Christmas 2025, so the predictions it must not touch lean on last December.
const DEMO_POISON_FROM = '2025-12-18';
leakageSuite('forecast backtest with year-ago features never sees the future (poisoned two-year demo lake)', {
  chart: DEMO_CHART,
  firstPoisoned: DEMO_POISON_FROM,
  fromOrigin: '2025-12-04',
  rowsBefore: (TWO_YEARS.weeks - 5) * 200,
  timeoutMs: 600_000,
  build: async (dir) => {
    const lake = async (name: string, poisonFrom?: string) => {
      const root = dir(name);
      mkdirSync(path.join(root, 'csv'), { recursive: true });
      return importLake(root, writeDemoCharts(path.join(root, 'csv'), TWO_YEARS.weeks, TWO_YEARS.endWeek, { poisonFrom }), DEMO_CHART);
    };
    return { clean: await lake('forecast-demo-clean'), poisoned: await lake('forecast-demo-poisoned', DEMO_POISON_FROM) };
  },
});
