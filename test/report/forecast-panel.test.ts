import { expect } from 'chai';
import { openLakeEngine } from '../../src/catalog';
import { runBacktest, runForecast } from '../../src/forecast';
import type { DuckDbEngine } from '../../src/query';
import { buildReport } from '../../src/report';
import { removeDir, tempDir } from '../support/lake';
import { CHART, syntheticLake, type TestLake } from '../forecast/support';
import { weekOf } from '../forecast/synthetic-charts';

describe('the report’s forecast panel shows its backtest against persistence and marks seasonal songs', function () {
  this.timeout(300_000);
  const WEEKS = 55;
  let dir: string;
  let lake: TestLake;
  let engine: DuckDbEngine;

  before(async () => {
    dir = tempDir('report-forecast');
    lake = await syntheticLake(dir, WEEKS);
    await runForecast({ store: lake.store, duck: lake.pipeline.duck, engine: lake.engine }, { week: weekOf(WEEKS - 1) });
    engine = await openLakeEngine(lake.store, { duck: lake.pipeline.duck });
  });
  after(async () => {
    await engine?.close();
    await lake?.close();
    if (dir) removeDir(dir);
  });

  it('gives the model’s and persistence’s one-week rank error from the backtest, and tags songs that charted a year before', async () => {
    const report = await buildReport(engine, { top: 5 });
    const forecast = report.data.forecast!;
    expect(forecast.rows.length).to.be.greaterThan(0);
    const expected = runBacktest(CHART, lake.features, { horizons: [1] }).horizons[0];
    expect(forecast.skill).to.have.length(1);
    expect(forecast.skill![0]).to.include({ horizon: 1, folds: expected.folds, model_rank_mae: expected.scores.model.rankMae, persistence_rank_mae: expected.scores.persistence.rankMae });
    const panel = report.html.slice(report.html.indexOf('id="next-week"'), report.html.indexOf('</section>', report.html.indexOf('id="next-week"')));
    expect(panel).to.include(expected.scores.model.rankMae.toFixed(2)).and.include(expected.scores.persistence.rankMae.toFixed(2));
    expect(panel).to.include(expected.scores.model.rankMae < expected.scores.persistence.rankMae ? 'beats persistence' : 'does not beat persistence');

    // Seasonal: the forecast's songs that were on the chart 51 to 53 weeks before the predicted week, from the features.
    const target = forecast.rows[0].target_week;
    const yearBefore = new Set([-53, -52, -51].map((weeks) => new Date(Date.parse(`${target}T00:00:00Z`) + weeks * 7 * 86_400_000).toISOString().slice(0, 10)));
    const charted = new Set(lake.features.filter((row) => yearBefore.has(row.week)).map((row) => row.song_id));
    expect(charted.size, 'songs on the chart a year before the predicted week').to.be.greaterThan(0);
    expect([...(forecast.seasonal ?? [])].sort()).to.deep.equal([...charted].sort());
    // The panel tags exactly its listed songs that are seasonal.
    const tagged = (panel.match(/title="on the chart a year before the predicted week">seasonal/g) ?? []).length;
    const listed = [...panel.matchAll(/<li><span class="badge[^"]*">[^<]*<\/span><div><div class="name">([^<]*(?:<a [^>]*>[^<]*<\/a>)?)/g)].length;
    expect(listed).to.be.greaterThan(0);
    expect(tagged).to.be.at.most(listed);
  });
});
