import { expect } from 'chai';
import { chartWeeks, demoCatalog, harness, idsNeeded, type Harness } from './helpers';
import type { RawEnvelope } from '../../src/sources/envelope';
import { envelopeProblem } from '../../src/sources/envelope';

const ceil = (n: number, size: number) => Math.ceil(n / size);

function weekIds(index: number) {
  return idsNeeded(demoCatalog(), chartWeeks()[index].entries.map((e) => e.trackId));
}

/** Web API requests by route, counting every attempt the server saw. */
function counts(h: Harness) {
  const of = (route: Parameters<Harness['server']['count']>[0]) => h.server.count(route);
  return {
    track: of('track'),
    album: of('album'),
    artist: of('artist'),
    tracks: of('tracks'),
    albums: of('albums'),
    artists: of('artists'),
    token: of('token'),
    charts: of('charts-auth'),
  };
}

function expectComplete(envelope: RawEnvelope, index: number): void {
  const need = weekIds(index);
  expect(envelopeProblem(envelope)).to.equal(undefined);
  expect(envelope.entries).to.have.length(200);
  expect(Object.keys(envelope.tracks).sort()).to.deep.equal([...need.tracks].sort());
  expect(Object.keys(envelope.albums).sort()).to.deep.equal([...need.albums].sort());
  expect(Object.keys(envelope.artists).sort()).to.deep.equal([...need.artists].sort());
}

describe('sources: enrichment request counts (issue 3 acceptance)', function () {
  let h: Harness;
  afterEach(async () => h && (await h.close()));

  it('development mode: a first week costs exactly one request per unseen track, album and artist', async () => {
    h = await harness({ mode: 'development' }, { apiMode: 'development' });
    const envelope = await h.run(chartWeeks()[0].date);
    const need = weekIds(0);
    expect(need.tracks.size).to.equal(200);
    expect(counts(h)).to.deep.equal({
      track: need.tracks.size,
      album: need.albums.size,
      artist: need.artists.size,
      tracks: 0,
      albums: 0,
      artists: 0,
      token: 1,
      charts: 1,
    });
    expect(envelope.source.api_mode).to.equal('development');
    expectComplete(envelope, 0);
    // Development Mode fields stay absent in raw: never invented, never null. ISRCs stay (reverted March 2026).
    for (const track of Object.values(envelope.tracks)) {
      expect(track).not.to.have.property('popularity');
      expect(track).not.to.have.property('available_markets');
      expect(track.external_ids?.isrc).to.equal(demoCatalog().tracks.get(track.id)?.isrc);
    }
    for (const artist of Object.values(envelope.artists)) {
      expect(artist).not.to.have.property('followers');
      expect(artist).not.to.have.property('popularity');
    }
  });

  it('extended mode: ⌈n/50⌉ track, ⌈n/20⌉ album and ⌈n/50⌉ artist batch requests', async () => {
    h = await harness({ mode: 'extended' }, { apiMode: 'extended' });
    const envelope = await h.run(chartWeeks()[0].date);
    const need = weekIds(0);
    expect(counts(h)).to.deep.equal({
      track: 0,
      album: 0,
      artist: 0,
      tracks: ceil(need.tracks.size, 50),
      albums: ceil(need.albums.size, 20),
      artists: ceil(need.artists.size, 50),
      token: 1,
      charts: 1,
    });
    expect(envelope.source.api_mode).to.equal('extended');
    expectComplete(envelope, 0);
    const track = Object.values(envelope.tracks)[0];
    expect(track.popularity).to.be.a('number');
    expect(Object.values(envelope.artists)[0].followers?.total).to.be.a('number');
    for (const request of h.server.requests.filter((r) => r.route === 'albums')) {
      expect(new URL(request.url, 'http://x').searchParams.get('ids')?.split(',').length).to.be.at.most(20);
    }
  });

  it('auto mode on a development server: one refused batch, then single gets; api_mode recorded', async () => {
    h = await harness({ mode: 'development' }, { apiMode: 'auto' });
    const envelope = await h.run(chartWeeks()[0].date);
    const need = weekIds(0);
    expect(h.server.count('tracks', 403)).to.equal(1);
    expect(counts(h)).to.include({ track: need.tracks.size, album: need.albums.size, artist: need.artists.size, albums: 0, artists: 0 });
    expect(envelope.source.api_mode).to.equal('development');
    expectComplete(envelope, 0);
  });

  it('auto mode also treats a 404 on a batch endpoint as Development Mode', async () => {
    h = await harness({ mode: 'development', removedEndpointStatus: 404 }, { apiMode: 'auto' });
    const envelope = await h.run(chartWeeks()[0].date);
    expect(h.server.count('tracks', 404)).to.equal(1);
    expect(envelope.source.api_mode).to.equal('development');
  });

  it('auto mode on an extended server keeps batch gets', async () => {
    h = await harness({ mode: 'extended' }, { apiMode: 'auto' });
    const envelope = await h.run(chartWeeks()[0].date);
    const need = weekIds(0);
    expect(counts(h)).to.include({ track: 0, tracks: ceil(need.tracks.size, 50), albums: ceil(need.albums.size, 20) });
    expect(envelope.source.api_mode).to.equal('extended');
  });

  it('explicit extended mode on a development server fails with an explanation', async () => {
    h = await harness({ mode: 'development' }, { apiMode: 'extended' });
    const error = await h.run(chartWeeks()[0].date).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.match(/no Extended Quota Mode/);
    expect(error?.message).to.match(/'auto' or 'development'/);
    expect(await h.store.list('cache/')).to.deep.equal([]);
  });
});

describe('sources: entity cache', function () {
  let h: Harness;
  afterEach(async () => h && (await h.close()));

  it('the next week asks only for its new tracks, new albums and new artists', async () => {
    h = await harness({ mode: 'development' }, { apiMode: 'development' });
    const [first, second] = chartWeeks();
    await h.run(first.date);
    h.server.clearLog();
    const envelope = await h.run(second.date);
    const before = weekIds(0);
    const now = weekIds(1);
    const fresh = <T>(a: Set<T>, b: Set<T>) => [...a].filter((x) => !b.has(x)).length;
    expect(counts(h)).to.include({
      track: fresh(now.tracks, before.tracks),
      album: fresh(now.albums, before.albums),
      artist: fresh(now.artists, before.artists),
    });
    expect(fresh(now.tracks, before.tracks)).to.be.greaterThan(0).and.lessThan(60);
    expect(h.server.count('track')).to.be.lessThan(now.tracks.size);
    // The envelope is still complete: cached objects come from the lake.
    expectComplete(envelope, 1);
    expect(envelope.source.api_mode).to.equal('development');
  });

  it('a week whose every object is cached makes no Web API request and keeps the cached api_mode', async () => {
    h = await harness({ mode: 'extended' }, { apiMode: 'auto' });
    const week = chartWeeks()[3].date;
    const first = await h.run(week);
    h.server.clearLog();
    const again = await h.run(week);
    expect(counts(h)).to.deep.equal({ track: 0, album: 0, artist: 0, tracks: 0, albums: 0, artists: 0, token: 0, charts: 1 });
    expect(again.source.api_mode).to.equal('extended');
    expect(again.tracks).to.deep.equal(first.tracks);
    expect(again.artists).to.deep.equal(first.artists);
  });

  it('artists older than artistMaxAgeDays are fetched again, tracks and albums never', async () => {
    h = await harness({ mode: 'development' }, { apiMode: 'development', artistMaxAgeDays: 28 });
    const week = chartWeeks()[0].date;
    await h.run(week, { now: new Date('2025-01-01T00:00:00Z') });
    h.server.clearLog();
    await h.run(week, { now: new Date('2025-01-20T00:00:00Z') });
    expect(counts(h)).to.include({ track: 0, album: 0, artist: 0 });
    await h.run(week, { now: new Date('2025-02-05T00:00:00Z') });
    expect(counts(h)).to.include({ track: 0, album: 0, artist: weekIds(0).artists.size });
  });

  it('writes one gzip segment per run and compacts beyond cacheMaxSegments', async () => {
    h = await harness({ mode: 'extended' }, { apiMode: 'extended', cacheMaxSegments: 3 });
    const weeks = chartWeeks();
    await h.run(weeks[0].date);
    await h.run(weeks[1].date);
    await h.run(weeks[2].date);
    let segments = await h.store.list('cache/spotify/');
    expect(segments.map((s) => s.key)).to.have.length(3);
    for (const s of segments) expect(s.key).to.match(/^cache\/spotify\/entities\/.+\.json\.gz$/);
    await h.run(weeks[3].date);
    segments = await h.store.list('cache/spotify/');
    expect(segments).to.have.length(1);
    // The compacted segment still knows everything: weeks 0..3 again cost nothing.
    h.server.clearLog();
    for (const w of weeks.slice(0, 4)) await h.run(w.date);
    expect(counts(h)).to.include({ tracks: 0, albums: 0, artists: 0 });
  });

  it('without client credentials the week is stored unenriched (api_mode none)', async () => {
    h = await harness({ mode: 'development' }, { clientId: undefined, clientSecret: undefined });
    const envelope = await h.run(chartWeeks()[0].date);
    expect(envelope.source.api_mode).to.equal('none');
    expect(envelope.tracks).to.deep.equal({});
    expect(envelope.entries).to.have.length(200);
    expect(h.server.count('token')).to.equal(0);
    expect(await h.store.list('cache/')).to.deep.equal([]);
  });
});
