import { expect } from 'chai';
import { chartWeeks, demoCatalog, harness, type Harness } from './helpers';
import { demoUserPlaylistId, TOP_50_GLOBAL_PLAYLIST_ID } from '../../src/demo/catalog';
import { envelopeProblem, idFromUri, type ChartsServiceEnvelope, type PlaylistEnvelope } from '../../src/sources/envelope';
import { fetchChartWeek, latestChartDate, SpotifySourceError } from '../../src/sources';

async function failure(promise: Promise<unknown>): Promise<SpotifySourceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(SpotifySourceError);
    return error as SpotifySourceError;
  }
  throw new Error('expected the run to fail');
}

describe('sources: charts-service', function () {
  let h: Harness;
  afterEach(async () => h && (await h.close()));

  it('with a token: any week, 200 entries kept exactly as the service gave them', async () => {
    h = await harness({ mode: 'extended' });
    const week = chartWeeks()[10];
    const envelope = (await h.run(week.date)) as ChartsServiceEnvelope;
    expect(envelopeProblem(envelope)).to.equal(undefined);
    expect(envelope.chart).to.deep.equal({ alias: 'regional-global-weekly', region: 'global', recurrence: 'weekly', date: week.date });
    expect(envelope.source.kind).to.equal('charts-service');
    expect(envelope.source.endpoint).to.equal(`${h.server.url}/auth/v0/charts/regional-global-weekly/${week.date}`);
    expect(envelope.entries.map((e) => e.chartEntryData.currentRank)).to.deep.equal(week.entries.map((e) => e.rank));
    expect(envelope.entries.map((e) => idFromUri(e.trackMetadata.trackUri, 'track'))).to.deep.equal(week.entries.map((e) => e.trackId));
    expect(envelope.entries[0].chartEntryData.rankingMetric).to.deep.equal({ value: String(week.entries[0].streams), type: 'STREAMS' });
    expect(h.server.requests.find((r) => r.route === 'charts-auth')?.status).to.equal(200);
  });

  it('with a token and no week: the latest chart', async () => {
    h = await harness({ mode: 'extended' });
    const envelope = await h.run(undefined);
    expect(envelope.chart.date).to.equal(demoCatalog().weeks[demoCatalog().weeks.length - 1]);
    expect(envelope.entries).to.have.length(200);
    expect(h.server.requests.find((r) => r.route === 'charts-auth')?.path).to.match(/\/latest$/);
  });

  it('without a token: the public latest chart (50 entries), still enriched', async () => {
    h = await harness({ mode: 'extended' }, { chartsToken: undefined });
    h.server.latestWeek = chartWeeks()[20].date;
    const envelope = await h.run(undefined);
    expect(envelope.chart.date).to.equal(chartWeeks()[20].date);
    expect(envelope.entries).to.have.length(50);
    expect(envelope.source.endpoint).to.equal(`${h.server.url}/public/v0/charts`);
    expect(Object.keys(envelope.tracks)).to.have.length(50);
    expect(envelope.source.api_mode).to.equal('extended');
  });

  it('without a token a given week is refused before any request, with instructions', async () => {
    h = await harness({ mode: 'development' }, { chartsToken: undefined });
    const error = await failure(h.run(chartWeeks()[0].date));
    expect(error.code).to.equal('CHARTS_TOKEN');
    expect(error.message).to.include('Log in to charts.spotify.com');
    expect(error.message).to.include('CHARTLAKE_CHARTS_TOKEN');
    expect(h.server.requests).to.have.length(0);
  });

  it('an expired token (401) is a CHARTS_TOKEN error that explains how to get a new one', async () => {
    h = await harness({ mode: 'development' }, { chartsToken: 'expired-token-0000000000' });
    const error = await failure(h.run(chartWeeks()[0].date));
    expect(error.code).to.equal('CHARTS_TOKEN');
    expect(error.status).to.equal(401);
    expect(error.message).to.match(/Network tab/);
  });

  it('a week the service does not have is a NOT_FOUND error', async () => {
    h = await harness({ mode: 'development' });
    const error = await failure(h.run('2019-01-03'));
    expect(error.code).to.equal('NOT_FOUND');
    expect(error.message).to.include('regional-global-weekly for 2019-01-03');
  });

  it('rejects a malformed week and a chart alias that is not weekly before any request', async () => {
    h = await harness({ mode: 'development' });
    expect((await failure(h.run('2024-13-01'))).code).to.equal('CONFIG');
    const daily = fetchChartWeek({ options: h.options, chart: 'regional-global-daily', store: h.store });
    expect((await failure(daily)).message).to.match(/not a weekly chart alias/);
    expect(h.server.requests).to.have.length(0);
  });

  it('latestChartDate: the Thursday at least one day back', () => {
    expect(latestChartDate(new Date('2026-11-20T10:00:00Z'))).to.equal('2026-11-19');
    expect(latestChartDate(new Date('2026-11-19T23:00:00Z'))).to.equal('2026-11-12');
    expect(latestChartDate(new Date('2026-11-25T00:00:00Z'))).to.equal('2026-11-19');
  });
});

describe('sources: playlist', function () {
  let h: Harness;
  afterEach(async () => h && (await h.close()));

  it('development mode: the Spotify-owned Top 50 answers 404, explained', async () => {
    h = await harness({ mode: 'development' }, { source: 'playlist' });
    const error = await failure(h.run(undefined));
    expect(error.code).to.equal('NOT_FOUND');
    expect(error.message).to.include(TOP_50_GLOBAL_PLAYLIST_ID);
    expect(error.message).to.match(/since 2024-11-27 apps in Development Mode/);
    expect(error.message).to.match(/'charts-service' source or import the weekly CSV/);
    expect(await h.store.list('cache/')).to.deep.equal([]);
  });

  it('extended mode: Top 50 - Global, item objects used as tracks, albums and artists enriched', async () => {
    h = await harness({ mode: 'extended' }, { source: `playlist:${TOP_50_GLOBAL_PLAYLIST_ID}` });
    const envelope = (await h.run(undefined, { now: new Date('2026-11-21T09:00:00Z') })) as PlaylistEnvelope;
    expect(envelopeProblem(envelope)).to.equal(undefined);
    expect(envelope.source.kind).to.equal('playlist');
    expect(envelope.chart.date).to.equal('2026-11-19');
    expect(envelope.entries).to.have.length(50);
    expect(Object.keys(envelope.tracks)).to.have.length(50);
    expect(h.server.count('tracks') + h.server.count('track')).to.equal(0);
    expect(h.server.count('albums')).to.be.greaterThan(0);
    expect(h.server.count('playlist-items')).to.equal(1);
  });

  it('a user playlist is paginated (limit 50) and readable in development mode', async () => {
    const playlistId = demoUserPlaylistId(demoCatalog());
    const total = demoCatalog().playlists.get(playlistId)?.trackIds.length ?? 0;
    h = await harness({ mode: 'development' }, { source: `playlist:${playlistId}` });
    const envelope = await h.run(chartWeeks()[103].date);
    expect(total).to.be.greaterThan(100);
    expect(envelope.entries).to.have.length(total);
    expect(h.server.count('playlist-items')).to.equal(Math.ceil(total / 50));
    expect(Object.keys(envelope.tracks)).to.have.length(total);
    expect(envelope.source.api_mode).to.equal('development');
    expect(h.server.count('track')).to.equal(0);
  });

  it('reads older answers that carry the object under `track`', async () => {
    h = await harness({ mode: 'extended', playlistItemKey: 'track' }, { source: 'playlist' });
    const envelope = (await h.run(undefined)) as PlaylistEnvelope;
    expect(envelope.entries[0]).to.have.property('track');
    expect(envelope.entries[0]).not.to.have.property('item');
    expect(Object.keys(envelope.tracks)).to.have.length(50);
  });

  it('needs client credentials', async () => {
    h = await harness({ mode: 'extended' }, { source: 'playlist', clientId: undefined });
    const error = await failure(h.run(undefined));
    expect(error.code).to.equal('CONFIG');
    expect(error.message).to.include('SPOTIFY_CLIENT_ID');
  });
});
