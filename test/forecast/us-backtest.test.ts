import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { runBacktest } from '../../src/forecast';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';
import { CHART, importLake, type TestLake } from './support';

describe('forecast backtest on the first 20 real US weeks of 2023 (small size)', function () {
  let dir: string | undefined;
  let lake: TestLake;

  before(async function () {
    requireShared(this);
    dir = tempDir('forecast-us');
    const files = readdirSync(US_2023).filter((name) => name.endsWith('.csv')).sort().slice(0, 20).map((name) => path.join(US_2023, name));
    lake = await importLake(dir, files);
  });
  after(async () => {
    await lake?.close();
    if (dir) removeDir(dir);
  });

  it('reads the features of real weeks through SQL: lags by date, artist load, no release dates in a CSV lake', () => {
    expect(lake.features).to.have.length(20 * 200);
    expect(lake.features.every((row) => row.days_since_release === null)).to.equal(true);
    const row = lake.features.find((r) => r.week === '2023-03-02' && r.rank === 1)!;
    expect(row.track_id).to.equal('6AQbmUe0Qwf5PZnt4HmTXv');
    const lastWeek = lake.features.find((r) => r.week === '2023-02-23' && r.track_id === row.track_id)!;
    expect([row.rank_1, row.streams_1]).to.deep.equal([lastWeek.rank, lastWeek.streams]);
    expect(lake.features.some((r) => r.artist_other_songs > 0)).to.equal(true);
  });

  it('scores the model against both baselines on folds that train only on the past', () => {
    const result = runBacktest(CHART, lake.features, { horizons: [1] });
    const [h1] = result.horizons;
    expect(h1.folds).to.equal(20 - 1 - 8); // origins 2023-03-02 .. 2023-05-11
    expect(h1.examples).to.equal(h1.folds * 200);
    // The model's probability of staying is far better calibrated than "it stays" (persistence).
    expect(h1.scores.model.brierStay).to.be.lessThan(h1.scores.persistence.brierStay);
    expect(h1.scores.model.rankMae).to.be.greaterThan(0);
  });
});
