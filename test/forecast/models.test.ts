import { expect } from 'chai';
import { linearScore, sigmoid } from '../../src/forecast/regression';
import { fitLogistic, fitRidge } from './reference-fit';
import { lastFourAverage, persistence } from '../../src/forecast';
import { christmasProximity, knowsChristmas } from '../../src/forecast/design';
import { targetWeekOf } from '../../src/forecast/dataset';
import type { FeatureRow } from '../../src/forecast';

describe('forecast models', () => {
  it('ridge regression recovers a known linear relation', () => {
    const xs = Array.from({ length: 200 }, (_, i) => [Math.sin(i), Math.cos(3 * i), (i % 7) / 7]);
    const ys = xs.map(([a, b, c]) => 2 + 3 * a - 1.5 * b + 0.5 * c);
    const model = fitRidge(['a', 'b', 'c'], xs, ys, 1e-6);
    for (const x of xs.slice(0, 20)) expect(linearScore(model, x)).to.be.closeTo(2 + 3 * x[0] - 1.5 * x[1] + 0.5 * x[2], 1e-4);
  });

  it('logistic regression stays finite on separable data and orders the classes', () => {
    const xs = Array.from({ length: 100 }, (_, i) => [i / 100]);
    const ys = xs.map(([x]) => (x > 0.5 ? 1 : 0));
    const model = fitLogistic(['x'], xs, ys, 1);
    expect(Number.isFinite(model.weights[0]) && Number.isFinite(model.intercept)).to.equal(true);
    expect(sigmoid(linearScore(model, [0.9]))).to.be.greaterThan(0.9);
    expect(sigmoid(linearScore(model, [0.1]))).to.be.lessThan(0.1);
  });

  it('baselines: persistence repeats the week; last-4 averages the weeks on chart', () => {
    const row = { rank: 8, streams: 100, rank_1: 12, streams_1: 80, rank_2: null, streams_2: null, rank_3: 30, streams_3: 40, history_weeks: 4 } as FeatureRow;
    expect(persistence(row)).to.deep.equal({ rank: 8, streams: 100, pStay: 1, pTop10: 1 });
    const last4 = lastFourAverage(row);
    expect(last4.rank).to.be.closeTo((8 + 12 + 30) / 3, 1e-12);
    expect(last4.streams).to.be.closeTo((100 + 80 + 40) / 3, 1e-12);
    expect([last4.pStay, last4.pTop10]).to.deep.equal([0.75, 0.25]);
  });

  it('calendar: Christmas proximity, and the calendar only once the training weeks hold an earlier Christmas', () => {
    expect([christmasProximity('2025-12-25'), christmasProximity('2026-01-08'), christmasProximity('2025-11-20'), christmasProximity('2025-07-03')])
      .to.deep.equal([1, 1 - 14 / 35, 0, 0]);
    const weeks = (from: string, count: number) => Array.from({ length: count }, (_, i) => targetWeekOf(from, i));
    expect(knowsChristmas(weeks('2023-02-02', 48)), 'one year, February to December (the US lake)').to.equal(false);
    expect(knowsChristmas(weeks('2023-12-07', 50)), 'last December, 49 weeks on').to.equal(true);
    expect(knowsChristmas(weeks('2023-12-07', 30)), 'last December, too recent to be an earlier season').to.equal(false);
  });
});
