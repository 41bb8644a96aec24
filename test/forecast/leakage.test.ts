import { expect } from 'chai';
import { runBacktest, fitTrendModel, predict, type BacktestResult, type FoldInfo, type Scored } from '../../src/forecast';
import { ChartHistory, targetWeekOf, trainingExamples } from '../../src/forecast/dataset';
import { removeDir, tempDir } from '../support/lake';
import { CHART, syntheticLake, type TestLake } from './support';
import { weekOf } from './synthetic-charts';

const WEEKS = 16;
const POISON_FROM = 12; // weeks 12..15 of the poisoned lake are an unrelated history
const FIRST_POISONED = weekOf(POISON_FROM);

const key = (item: Scored) => `${item.horizon}|${item.origin}|${item.row.track_id}`;

describe('forecast backtest never sees the future (poisoned-future lake)', function () {
  const dirs: string[] = [];
  let clean: TestLake;
  let poisoned: TestLake;
  let cleanResult: BacktestResult;
  let poisonedResult: BacktestResult;
  const folds: FoldInfo[] = [];

  before(async () => {
    dirs.push(tempDir('forecast-clean'), tempDir('forecast-poisoned'));
    clean = await syntheticLake(dirs[0], WEEKS);
    poisoned = await syntheticLake(dirs[1], WEEKS, POISON_FROM);
    cleanResult = runBacktest(CHART, clean.features, { horizons: [1, 2], onFold: (fold) => folds.push(fold) });
    poisonedResult = runBacktest(CHART, poisoned.features, { horizons: [1, 2] });
  });
  after(async () => {
    await clean?.close();
    await poisoned?.close();
    dirs.forEach(removeDir);
  });

  it('the two lakes agree before the poisoned weeks and differ from them on', () => {
    const before = (rows: TestLake['features']) => rows.filter((row) => row.week < FIRST_POISONED);
    expect(before(poisoned.features)).to.have.length(POISON_FROM * 200);
    expect(before(poisoned.features)).to.deep.equal(before(clean.features));
    const after = (rows: TestLake['features']) => rows.filter((row) => row.week >= FIRST_POISONED).map((row) => `${row.track_id}:${row.streams}`);
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
    const early = cleanResult.scored.filter((item) => item.origin < FIRST_POISONED);
    expect(new Set(early.map((item) => item.origin)).size).to.be.greaterThanOrEqual(3);
    for (const item of early) {
      const twin = poisonedByKey.get(key(item));
      expect(twin, key(item)).to.not.equal(undefined);
      // deep.equal compares numbers with ===: any leak of a poisoned week would move some last bit
      expect(twin!.predictions.model, key(item)).to.deep.equal(item.predictions.model);
      expect(twin!.predictions.last4).to.deep.equal(item.predictions.last4);
    }
  });

  it('does change predictions from origins inside the poisoned weeks (the poison is visible)', () => {
    const poisonedByKey = new Map(poisonedResult.scored.map((item) => [key(item), item]));
    const late = cleanResult.scored.filter((item) => item.origin >= FIRST_POISONED && poisonedByKey.has(key(item)));
    const changed = late.filter((item) => poisonedByKey.get(key(item))!.predictions.model.pStay !== item.predictions.model.pStay);
    expect(changed.length).to.be.greaterThan(0);
  });

  it('would catch a leak: a model trained through its target week differs between the lakes', () => {
    // The control experiment: the same fit, but with the predicted week's labels let in.
    const origin = weekOf(POISON_FROM - 1);
    const leakyPStay = (lake: TestLake) => {
      const history = new ChartHistory(lake.features);
      const model = fitTrendModel(trainingExamples(history, 1, targetWeekOf(origin, 1)), 1);
      return history.week(origin).map((row) => predict(model, row).pStay);
    };
    expect(leakyPStay(poisoned)).to.not.deep.equal(leakyPStay(clean));
  });
});
