import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { forecastWeek, runBacktest, type FeatureRow } from '../../src/forecast';
import { removeDir, tempDir } from '../support/lake';
import { DEMO_CHART, TWO_YEARS, writeDemoCharts } from './demo-charts';
import { importLake, type TestLake } from './support';

describe('forecasts that know the calendar (two-year demo lake with recurring Christmas songs)', function () {
  this.timeout(600_000); // a harness limit for a 120-week lake on a busy machine, not a speed assertion
  let dir: string;
  let lake: TestLake;
  let christmasSongs: Set<string>;

  before(async () => {
    dir = tempDir('forecast-seasonal');
    mkdirSync(path.join(dir, 'csv'), { recursive: true });
    lake = await importLake(dir, writeDemoCharts(path.join(dir, 'csv'), TWO_YEARS.weeks, TWO_YEARS.endWeek), DEMO_CHART);
    // Found from the chart alone, as an analyst would: on the chart at Christmas 2024 and 2025, never in summer.
    const onChart = (week: string) => new Set(lake.features.filter((row) => row.week === week).map((row) => row.song_id));
    const summer = lake.features.filter((row) => row.week.slice(5, 7) >= '05' && row.week.slice(5, 7) <= '09').map((row) => row.song_id);
    const christmas2024 = onChart('2024-12-26');
    christmasSongs = new Set([...onChart('2025-12-25')].filter((song) => christmas2024.has(song) && !summer.includes(song)));
  });
  after(async () => {
    await lake?.close();
    if (dir) removeDir(dir);
  });

  it('reads a year earlier by date: the rank 52 weeks before and the weeks after it, absent in the first year', () => {
    const byKey = new Map(lake.features.map((row) => [`${row.week}|${row.song_id}`, row]));
    const firstYear = lake.features.filter((row) => row.week < '2024-10-03');
    expect(firstYear.every((row) => !row.ya_known_0 && row.ya_rank_0 === null)).to.equal(true);
    const row = lake.features.find((r) => r.week === '2025-12-18' && christmasSongs.has(r.song_id))!;
    expect(row.ya_known_0 && row.ya_known_2).to.equal(true);
    expect([row.ya_rank_0, row.ya_rank_1, row.ya_rank_2]).to.deep.equal(
      ['2024-12-19', '2024-12-26', '2025-01-02'].map((week) => byKey.get(`${week}|${row.song_id}`)?.rank ?? null),
    );
  });

  it('predicts the Christmas songs climbing in early December and falling in January, and says the forecast is seasonal', () => {
    expect(christmasSongs.size).to.be.greaterThanOrEqual(5);
    const ofChristmas = (week: string) => forecastWeek(DEMO_CHART, lake.features, week, 1).rows.filter((row) => christmasSongs.has(songOf(lake.features, week, row.track_id)));
    const december = ofChristmas('2025-11-27'); // predicting 2025-12-04
    const january = ofChristmas('2026-01-01');
    expect(december.length).to.be.greaterThanOrEqual(5);
    expect(january.length).to.be.greaterThanOrEqual(5);
    // Without the year-ago features (all rows blanked) the same model keeps most of them on the chart in January.
    expect(december.filter((row) => row.predicted_move! > 0).length, 'climbing in December').to.be.greaterThanOrEqual(0.8 * december.length);
    expect(january.filter((row) => row.predicted_move! < 0 || row.p_stay < 0.5).length, 'falling in January').to.be.greaterThanOrEqual(0.8 * january.length);
    expect(january.filter((row) => row.seasonal).length, 'seasonal in January').to.be.greaterThanOrEqual(0.8 * january.length);
  });

  it('without the year before, January would not be foreseen (the control)', () => {
    const blind = lake.features.map((row) => ({ ...row, ya_known_0: false, ya_known_1: false, ya_known_2: false, ya_known_3: false, ya_known_4: false }));
    const january = forecastWeek(DEMO_CHART, blind, '2026-01-01', 1).rows.filter((row) => christmasSongs.has(songOf(blind, '2026-01-01', row.track_id)));
    expect(january.filter((row) => row.p_stay < 0.5).length).to.be.lessThan(0.5 * january.length);
    expect(january.some((row) => row.seasonal)).to.equal(false);
  });

  it('beats persistence over the latest Christmas at h = 1, overall and in the top 10', () => {
    const result = runBacktest(DEMO_CHART, lake.features, { horizons: [1], fromOrigin: '2025-11-06' });
    const [h1] = result.horizons;
    expect(h1.folds).to.equal(10);
    expect(h1.scores.model.rankMae).to.be.lessThan(h1.scores.persistence.rankMae);
    expect(h1.scores.model.brierStay).to.be.lessThan(h1.scores.persistence.brierStay);
    expect(h1.scores.model.brierTop10).to.be.lessThan(h1.scores.persistence.brierTop10);
    const top10 = result.scored.filter((item) => item.row.rank <= 10 && item.target !== null);
    const mae = (method: 'model' | 'persistence') => top10.reduce((sum, item) => sum + Math.abs(item.predictions[method].rank - item.target!.rank), 0) / top10.length;
    expect(mae('model')).to.be.lessThan(mae('persistence'));
  });
});

function songOf(rows: readonly FeatureRow[], week: string, trackId: string): string {
  return rows.find((row) => row.week === week && row.track_id === trackId)!.song_id;
}
