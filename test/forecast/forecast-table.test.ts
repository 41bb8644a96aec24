import { expect } from 'chai';
import { openLakeEngine } from '../../src/catalog';
import { FORECAST_COLUMNS, forecastWeek, runBacktest, runForecast } from '../../src/forecast';
import { tableFileKey } from '../../src/store';
import { removeDir, tempDir } from '../support/lake';
import { CHART, syntheticLake, type TestLake } from './support';
import { weekOf } from './synthetic-charts';

describe('chartlake forecast writes the forecasts table', function () {
  let dir: string;
  let lake: TestLake;
  const origin = weekOf(10);

  before(async () => {
    dir = tempDir('forecast-table');
    lake = await syntheticLake(dir, 13);
  });
  after(async () => {
    await lake?.close();
    if (dir) removeDir(dir);
  });

  it('writes one file per chart and year holding the origin week, queryable as a view after the crawl, and replaces it on a rerun', async () => {
    const context = { store: lake.store, duck: lake.pipeline.duck, engine: lake.engine };
    const first = await runForecast(context, { week: origin });
    expect(first.key).to.equal(tableFileKey('forecasts', { chart: CHART, year: Number(origin.slice(0, 4)) }));
    await runForecast(context, { week: origin }); // a rerun replaces the origin's rows whole
    const engine = await openLakeEngine(lake.store, { duck: lake.pipeline.duck });
    try {
      const { rows, columns } = await engine.query(
        `SELECT count(*) AS n, count(DISTINCT track_id) AS tracks, CAST(min(target_week) AS VARCHAR) AS target, min(p_stay) AS lo, max(p_stay) AS hi,
                max(p_top10) AS top, min(predicted_rank) AS best, max(predicted_rank) AS worst, any_value(chart) AS chart, CAST(any_value(week) AS VARCHAR) AS week
         FROM forecasts`,
      );
      expect(columns.map((column) => column.name)).to.include('n');
      const row = rows[0];
      expect([row.n, row.tracks, row.target, row.chart, row.week]).to.deep.equal([200, 200, weekOf(11), CHART, origin]);
      expect(row.lo as number).to.be.within(0, 1);
      expect(row.hi as number).to.be.within(0, 1);
      expect(row.top as number).to.be.within(0, 1);
      expect(row.best as number).to.be.at.least(1);
      expect(row.worst as number).to.be.at.most(200);
      const described = await engine.query(`SELECT column_name FROM (DESCRIBE forecasts)`);
      expect(described.rows.map((r) => r.column_name)).to.deep.equal(['week', ...FORECAST_COLUMNS, 'chart', 'year']);
    } finally {
      await engine.close();
    }
  });

  it('predicts from a week as the backtest fold with that origin does (the same models; the backtest solves them fold after fold)', () => {
    const forecast = forecastWeek(CHART, lake.features, origin, 1);
    const fold = runBacktest(CHART, lake.features, { horizons: [1] }).scored.filter((item) => item.origin === origin);
    expect(fold).to.have.length(200);
    const byTrack = new Map(forecast.rows.map((row) => [row.track_id, row]));
    for (const item of fold) {
      const row = byTrack.get(item.row.track_id)!;
      // The forecast's own fit stops on the objective, the backtest's on the step: they agree to ~1e-6, not to the bit.
      expect(row.p_stay).to.be.closeTo(item.predictions.model.pStay, 1e-6);
      expect(row.p_top10).to.be.closeTo(item.predictions.model.pTop10, 1e-6);
      expect(row.predicted_rank).to.be.closeTo(item.predictions.model.rank, 1e-9 * item.predictions.model.rank);
    }
  });

  it('carries on every row the backtest at its horizon over the weeks known at the origin, not the later ones', () => {
    const forecast = forecastWeek(CHART, lake.features, origin, 1);
    const known = runBacktest(CHART, lake.features.filter((row) => row.week <= origin), { horizons: [1] }).horizons[0];
    const all = runBacktest(CHART, lake.features, { horizons: [1] }).horizons[0];
    expect(known.folds).to.be.greaterThan(0).and.lessThan(all.folds);
    for (const row of forecast.rows) {
      expect(row).to.include({
        backtest_folds: known.folds, backtest_first_target: known.firstTarget, backtest_last_target: known.lastTarget,
        model_rank_mae: known.scores.model.rankMae, persistence_rank_mae: known.scores.persistence.rankMae,
        model_brier_top10: known.scores.model.brierTop10, persistence_brier_top10: known.scores.persistence.brierTop10,
      });
    }
    expect(forecast.rows[0].backtest_last_target! <= origin).to.equal(true);
  });
});
