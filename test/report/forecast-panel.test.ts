import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import { crawl, openLakeEngine } from '../../src/catalog';
import { runBacktest, runForecast, writeForecasts } from '../../src/forecast';
import type { DuckDbEngine } from '../../src/query';
import { buildReport } from '../../src/report';
import { renderSql } from '../../src/query/sql';
import { removeDir, tempDir } from '../support/lake';
import { CHART, syntheticLake, type TestLake } from '../forecast/support';
import { weekOf } from '../forecast/synthetic-charts';

describe('the report’s forecast panel shows its backtest against persistence and the forecast’s seasonal marks', function () {
  this.timeout(300_000);
  const WEEKS = 55;
  let dir: string;
  let lake: TestLake;
  let engine: DuckDbEngine;
  let marked: Set<string>;
  let forecastKey: string;

  before(async () => {
    dir = tempDir('report-forecast');
    lake = await syntheticLake(dir, WEEKS);
    const written = await runForecast({ store: lake.store, duck: lake.pipeline.duck, engine: lake.engine }, { week: weekOf(WEEKS - 1) });
    // The forecast's own seasonal marks, set here on known songs (the 55-week synthetic lake has no year-ago chart
    // strong enough for the model to mark one): the songs at ranks 1, 3 and 11-30 (where "knocking on the top 10"
    // finds its songs).
    const rows = written.forecast.rows.map((row) => ({ ...row, seasonal: row.rank === 1 || row.rank === 3 || (row.rank >= 11 && row.rank <= 30) }));
    marked = new Set(rows.filter((row) => row.seasonal).map((row) => row.track_id));
    forecastKey = await writeForecasts(lake.store, lake.pipeline.duck, { chart: CHART, week: weekOf(WEEKS - 1) }, rows);
    await crawl(lake.store, lake.pipeline.duck);
    engine = await openLakeEngine(lake.store, { duck: lake.pipeline.duck });
  });
  after(async () => {
    await engine?.close();
    await lake?.close();
    if (dir) removeDir(dir);
  });

  it('gives the model’s and persistence’s one-week rank error from the backtest, and tags the songs the forecast marked seasonal', async () => {
    const report = await buildReport(engine, { top: 5 });
    const forecast = report.data.forecast!;
    expect(forecast.rows.length).to.be.greaterThan(0);
    const expected = runBacktest(CHART, lake.features, { horizons: [1] }).horizons[0];
    expect(forecast.skill).to.have.length(1);
    expect(forecast.skill![0]).to.include({ horizon: 1, folds: expected.folds, model_rank_mae: expected.scores.model.rankMae, persistence_rank_mae: expected.scores.persistence.rankMae });
    const panel = report.html.slice(report.html.indexOf('id="next-week"'), report.html.indexOf('</section>', report.html.indexOf('id="next-week"')));
    expect(panel).to.include(expected.scores.model.rankMae.toFixed(2)).and.include(expected.scores.persistence.rankMae.toFixed(2));
    expect(panel).to.include(expected.scores.model.rankMae < expected.scores.persistence.rankMae ? 'beats persistence' : 'does not beat persistence');

    // Seasonal: the panel shows the forecast's own marks (the song's chart a year earlier drove the prediction).
    expect(marked.size).to.equal(22);
    expect(forecast.rows.filter((row) => row.seasonal).map((row) => row.track_id).sort()).to.deep.equal([...marked].sort());
    const tagged = (panel.match(/title="its chart a year earlier drove the prediction">seasonal/g) ?? []).length;
    // Each listed song is tagged exactly when its forecast row is marked (found by its name in the item).
    const listed = [...panel.matchAll(/<li><span class="badge[^"]*">[^<]*<\/span><div><div class="name">(.*?)<\/div>/g)].map((m) => m[1]);
    expect(listed.length).to.be.greaterThan(0);
    for (const item of listed) {
      const name = item.replace(/<span class="tag"[^>]*>seasonal<\/span>/, '').replace(/<[^>]+>/g, '').trim();
      const row = forecast.rows.find((candidate) => candidate.track_name === name);
      expect(row, item).to.not.equal(undefined);
      expect(item.includes('>seasonal</span>'), item).to.equal(row!.seasonal);
    }
    expect(tagged, 'some listed songs are marked (those knocking on the top 10)').to.be.greaterThan(0);
    expect(panel).to.include('chartlake forecast marks it so');
  });

  it('shows the backtest chartlake forecast stored with the forecast, without running it again', async () => {
    // The stored figures, changed in the file: the panel shows what the file says.
    const file = lake.store.pathOf(forecastKey);
    await lake.pipeline.duck.withConnection((connection) =>
      connection.run(renderSql(`COPY (SELECT * REPLACE (12.345 AS model_rank_mae, 23.456 AS persistence_rank_mae) FROM read_parquet({{file}}, hive_partitioning = false)) TO {{out}} (FORMAT parquet)`, { file, out: `${file}.stored` })),
    );
    const original = await fs.readFile(file);
    await fs.rename(`${file}.stored`, file);
    try {
      await crawl(lake.store, lake.pipeline.duck);
      const stored = await openLakeEngine(lake.store, { duck: lake.pipeline.duck });
      try {
        const report = await buildReport(stored, { top: 5 });
        const expected = runBacktest(CHART, lake.features, { horizons: [1] }).horizons[0];
        expect(report.data.forecast!.skill).to.deep.equal([{
          horizon: 1, folds: expected.folds, first_target: expected.firstTarget, last_target: expected.lastTarget, model_rank_mae: 12.345,
          persistence_rank_mae: 23.456, model_brier_top10: expected.scores.model.brierTop10, persistence_brier_top10: expected.scores.persistence.brierTop10,
        }]);
        expect(report.html).to.include('12.35').and.include('23.46').and.include('beats persistence');
      } finally {
        await stored.close();
      }
    } finally {
      await fs.writeFile(file, original);
      await crawl(lake.store, lake.pipeline.duck);
    }
  });

  it('shows the panel from forecasts files written before the seasonal and backtest columns (no seasonal tag; the backtest run for it), not an error', async () => {
    // The file as the first forecasts version wrote it: every column but seasonal and the backtest's. Last: it
    // replaces the suite's file.
    const file = lake.store.pathOf(forecastKey);
    await lake.pipeline.duck.withConnection((connection) =>
      connection.run(renderSql(`COPY (SELECT * EXCLUDE (seasonal, backtest_folds, backtest_first_target, backtest_last_target, model_rank_mae, persistence_rank_mae, model_brier_top10, persistence_brier_top10) FROM read_parquet({{file}}, hive_partitioning = false)) TO {{out}} (FORMAT parquet)`, { file, out: `${file}.v1` })),
    );
    await fs.rename(`${file}.v1`, file);
    await crawl(lake.store, lake.pipeline.duck);
    const v1 = await openLakeEngine(lake.store, { duck: lake.pipeline.duck });
    try {
      const described = await v1.query('SELECT column_name FROM (DESCRIBE forecasts)');
      expect(described.rows.map((row) => row.column_name)).to.not.include('seasonal');
      const report = await buildReport(v1, { top: 5 });
      const forecast = report.data.forecast!;
      expect(forecast.error).to.equal(undefined);
      expect(forecast.rows.length).to.be.greaterThan(0);
      expect(forecast.rows.every((row) => row.seasonal === false)).to.equal(true);
      expect(report.html).to.not.include('could not be read');
      const expected = runBacktest(CHART, lake.features, { horizons: [1] }).horizons[0];
      expect(forecast.skill![0]).to.include({ folds: expected.folds, model_rank_mae: expected.scores.model.rankMae });
    } finally {
      await v1.close();
    }
  });
});
