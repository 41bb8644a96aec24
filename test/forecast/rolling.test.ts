import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { lastFourAverage, persistence, predict, runBacktest, type FeatureRow, type Scored, type TrendModel } from '../../src/forecast';
import { ChartHistory, targetWeekOf } from '../../src/forecast/dataset';
import { fitTrendModel, trainingExamples } from './reference-fit';
import { knowsChristmas } from '../../src/forecast/design';
import { RollingTrainer } from '../../src/forecast/rolling';
import { removeDir, tempDir } from '../support/lake';
import { DEMO_CHART, TWO_YEARS, writeDemoCharts } from './demo-charts';
import { CHART, importLake, syntheticLake, type TestLake } from './support';

/**
 * The backtest fits its folds incrementally (src/forecast/rolling.ts); these tests hold it to the straightforward
 * per-fold refit it replaced: `fitTrendModel(trainingExamples(history, h, origin))` for every fold, predicting every
 * song of the origin's chart. The ridge models agree to rounding; the logistic ones to the old fit's own convergence
 * tolerance (it stops when the objective improves by less than 1e-9 of itself: ~1e-7 on the probabilities).
 */

const P_TOLERANCE = 2e-6;
const RELATIVE = 1e-9;

/** The backtest as it was: a fresh fit per fold, on the examples listed from scratch. */
function referenceFolds(rows: readonly FeatureRow[], horizon: number, keep: (origin: string, index: number) => boolean = () => true): Map<string, Scored[]> {
  const history = new ChartHistory(rows);
  const folds = new Map<string, Scored[]>();
  let index = 0;
  for (const origin of history.weeks) {
    const targetWeek = targetWeekOf(origin, horizon);
    if (!history.has(targetWeek)) continue;
    const examples = trainingExamples(history, horizon, origin);
    if (new Set(examples.map((example) => example.targetWeek)).size < 4) continue;
    if (!keep(origin, index++)) continue;
    const model = fitTrendModel(examples, horizon);
    folds.set(origin, history.week(origin).map((row) => ({
      horizon, origin, targetWeek, row, target: history.find(targetWeek, row.song_id) ?? null,
      predictions: { model: predict(model, row), persistence: persistence(row), last4: lastFourAverage(row) },
    })));
  }
  return folds;
}

function expectClose(actual: number | null, expected: number | null, what: string, tolerance: number): void {
  if (expected === null) return void expect(actual, what).to.equal(null);
  expect(actual, what).to.be.closeTo(expected, tolerance);
}

/** Every prediction of the fast backtest at the reference's origins is the reference's, to the tolerances above. */
function expectSameFolds(fast: readonly Scored[], reference: Map<string, Scored[]>): void {
  const byKey = new Map(fast.map((item) => [`${item.origin}|${item.row.song_id}`, item]));
  let compared = 0;
  for (const [origin, items] of reference) {
    for (const item of items) {
      const twin = byKey.get(`${origin}|${item.row.song_id}`);
      expect(twin, `${origin} ${item.row.song_id}`).to.not.equal(undefined);
      const [a, b] = [twin!.predictions.model, item.predictions.model];
      const what = `${origin} rank ${item.row.rank}`;
      expectClose(a.rank, b.rank, `${what}: rank`, RELATIVE * b.rank);
      expectClose(a.streams, b.streams, `${what}: streams`, RELATIVE * (b.streams ?? 0));
      expectClose(a.pStay, b.pStay, `${what}: P(stay)`, P_TOLERANCE);
      expectClose(a.pTop10, b.pTop10, `${what}: P(top 10)`, P_TOLERANCE);
      expect(a.seasonal, `${what}: seasonal`).to.equal(b.seasonal);
      compared++;
    }
  }
  expect(compared).to.be.greaterThan(0);
}

/** The models the rolling trainer fits at `origin` against fitTrendModel's on the same examples. */
function expectSameModel(rolling: TrendModel, reference: TrendModel): void {
  const { rank, streams, stay, top10, ...meta } = rolling;
  const { rank: rRank, streams: rStreams, stay: rStay, top10: rTop10, ...rMeta } = reference;
  expect(meta).to.deep.equal(rMeta);
  for (const [a, b] of [[rank, rRank], [streams, rStreams], [stay, rStay], [top10, rTop10]] as const) {
    if (b === null) {
      expect(a).to.equal(null);
      continue;
    }
    a!.mean.forEach((value, j) => expect(value, `mean ${a!.names[j]}`).to.be.closeTo(b.mean[j], 1e-9 * (1 + Math.abs(b.mean[j]))));
    a!.scale.forEach((value, j) => expect(value, `scale ${a!.names[j]}`).to.be.closeTo(b.scale[j], 1e-9 * b.scale[j]));
  }
  rank.weights.forEach((value, j) => expect(value, `rank weight ${rank.names[j]}`).to.be.closeTo(rRank.weights[j], 1e-8 * (1 + Math.abs(rRank.weights[j]))));
}

describe('the backtest’s incremental fits give the per-fold refit’s predictions', function () {
  this.timeout(600_000); // a harness limit for the two-year lake on a busy machine, not a speed assertion
  const dirs: string[] = [];
  const lakes: TestLake[] = [];
  after(async () => {
    for (const lake of lakes) await lake.close();
    dirs.forEach(removeDir);
  });

  describe('a 30-week synthetic lake, every fold at horizons 1 and 2', () => {
    let lake: TestLake;
    before(async () => {
      const dir = tempDir('forecast-rolling');
      dirs.push(dir);
      lakes.push((lake = await syntheticLake(dir, 30)));
    });

    for (const horizon of [1, 2]) {
      it(`h = ${horizon}: the same predictions, folds and training rows`, () => {
        const folds: { origin: string; trainingRows: number; maxFeatureWeek: string; maxLabelWeek: string }[] = [];
        const fast = runBacktest(CHART, lake.features, { horizons: [horizon], onFold: (fold) => folds.push(fold) });
        const reference = referenceFolds(lake.features, horizon);
        expect(folds.map((fold) => fold.origin)).to.deep.equal([...reference.keys()]);
        const history = new ChartHistory(lake.features);
        for (const fold of folds) {
          // The trainer's examples are trainingExamples' own: same count, same newest feature and label weeks.
          const examples = trainingExamples(history, horizon, fold.origin);
          expect(fold.trainingRows).to.equal(examples.length);
          expect(fold.maxFeatureWeek).to.equal(examples.reduce((max, example) => (example.row.week > max ? example.row.week : max), ''));
          expect(fold.maxLabelWeek).to.equal(examples.reduce((max, example) => (example.targetWeek > max ? example.targetWeek : max), ''));
        }
        expectSameFolds(fast.scored, reference);
      });
    }

    it('fits the same models as fitTrendModel at every fold (standardisation, metadata, ridge weights)', () => {
      const history = new ChartHistory(lake.features);
      const trainer = new RollingTrainer(history, 1);
      for (const origin of history.weeks) {
        if (!history.has(targetWeekOf(origin, 1))) continue;
        trainer.advance(origin);
        if (trainer.trainingWeeks < 4) continue;
        expectSameModel(trainer.fit(), fitTrendModel(trainingExamples(history, 1, origin), 1));
      }
    });

    it('never goes back: a training set cannot drop the weeks it took in', () => {
      const history = new ChartHistory(lake.features);
      const trainer = new RollingTrainer(history, 1);
      trainer.advance(history.weeks[10]);
      expect(() => trainer.advance(history.weeks[9])).to.throw(/cannot go back/);
    });
  });

  describe('the two-year demo lake (year-ago features, the calendar switching on), a sample of folds at h = 1', () => {
    let lake: TestLake;
    before(async () => {
      const dir = tempDir('forecast-rolling-demo');
      dirs.push(dir);
      mkdirSync(path.join(dir, 'csv'), { recursive: true });
      lakes.push((lake = await importLake(dir, writeDemoCharts(path.join(dir, 'csv'), TWO_YEARS.weeks, TWO_YEARS.endWeek), DEMO_CHART)));
    });

    it('the same predictions at every 9th fold, the last, and the folds either side of the calendar switching on', () => {
      const fast = runBacktest(DEMO_CHART, lake.features, { horizons: [1] });
      const history = new ChartHistory(lake.features);
      const origins = [...new Set(fast.scored.map((item) => item.origin))];
      const calendarOn = (origin: string) => knowsChristmas([...new Set(trainingExamples(history, 1, origin).map((example) => example.targetWeek))].sort());
      const switchAt = origins.findIndex(calendarOn);
      expect(switchAt, 'the calendar switches on within the lake').to.be.greaterThan(0);
      const sample = new Set([0, switchAt - 1, switchAt, origins.length - 1]);
      const reference = referenceFolds(lake.features, 1, (_, index) => index % 9 === 0 || sample.has(index));
      expect(reference.size).to.be.greaterThan(10);
      expectSameFolds(fast.scored, reference);
    });
  });
});
