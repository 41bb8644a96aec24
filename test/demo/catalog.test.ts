import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { addDays, buildDemoCatalog, GLOBAL_WEEKLY_ALIAS, isThursday, TOP_50_GLOBAL_PLAYLIST_ID, type DemoCatalog, type DemoChartWeek } from '../../src/demo/catalog';

const BASE62_ID = /^[0-7][0-9A-Za-z]{21}$/;

function digest(catalog: DemoCatalog): string {
  const plain = {
    artists: [...catalog.artists.values()],
    albums: [...catalog.albums.values()],
    tracks: [...catalog.tracks.values()],
    charts: [...catalog.charts.entries()],
    playlists: [...catalog.playlists.values()],
  };
  return createHash('sha256').update(JSON.stringify(plain)).digest('hex');
}

describe('demo catalog', function () {
  let catalog: DemoCatalog;
  let weeks: DemoChartWeek[];
  let buildMs: number;

  before(() => {
    // CPU time, not wall time: other processes on a busy CI machine must not fail this test.
    const started = process.cpuUsage();
    catalog = buildDemoCatalog();
    const used = process.cpuUsage(started);
    buildMs = (used.user + used.system) / 1000;
    weeks = catalog.charts.get(GLOBAL_WEEKLY_ALIAS) ?? [];
  });

  it('is big enough and fast to build (under 1 s of CPU)', () => {
    expect(catalog.tracks.size).to.be.at.least(1500);
    expect(catalog.artists.size).to.be.at.least(600);
    expect(catalog.albums.size).to.be.at.least(900);
    expect(buildMs).to.be.below(1000);
  });

  it('is deterministic for a seed and different for another', () => {
    expect(digest(buildDemoCatalog())).to.equal(digest(catalog));
    expect(digest(buildDemoCatalog({ seed: 7 }))).not.to.equal(digest(catalog));
  });

  it('has 104 consecutive Thursday charts ending 2026-11-19', () => {
    expect(weeks).to.have.length(104);
    expect(weeks[103].date).to.equal('2026-11-19');
    weeks.forEach((week, i) => {
      expect(isThursday(week.date), week.date).to.equal(true);
      if (i > 0) expect(week.date).to.equal(addDays(weeks[i - 1].date, 7));
    });
    expect(catalog.weeks).to.deep.equal(weeks.map((w) => w.date));
    expect(() => buildDemoCatalog({ endWeek: '2026-11-18' })).to.throw(/not a Thursday/);
  });

  it('honours weeks, chartSize and endWeek', () => {
    const small = buildDemoCatalog({ weeks: 5, chartSize: 50, endWeek: '2025-01-02' });
    const smallWeeks = small.charts.get(GLOBAL_WEEKLY_ALIAS) ?? [];
    expect(smallWeeks.map((w) => w.date)).to.deep.equal(['2024-12-05', '2024-12-12', '2024-12-19', '2024-12-26', '2025-01-02']);
    for (const week of smallWeeks) expect(week.entries).to.have.length(50);
  });

  it('uses real-looking base62 ids, unique across kinds', () => {
    const ids = [...catalog.artists.keys(), ...catalog.albums.keys(), ...catalog.tracks.keys()];
    for (const id of ids) expect(id).to.match(BASE62_ID);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('ranks 1..200 every week, distinct tracks, streams never increasing with rank', () => {
    for (const week of weeks) {
      expect(week.entries.map((e) => e.rank)).to.deep.equal(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(new Set(week.entries.map((e) => e.trackId)).size).to.equal(200);
      week.entries.forEach((entry, i) => {
        expect(catalog.tracks.has(entry.trackId)).to.equal(true);
        if (i > 0) expect(entry.streams).to.be.at.most(week.entries[i - 1].streams);
      });
      // A power law: tens of millions at #1, hundreds of thousands to a few million at #200.
      expect(week.entries[0].streams).to.be.within(10_000_000, 99_000_000);
      expect(week.entries[199].streams).to.be.within(300_000, 5_000_000);
    }
  });

  it('keeps previousRank, peakRank, appearances, consecutive runs and entryStatus consistent week to week', () => {
    const history = new Map<string, { appearances: number; consecutive: number; peak: number; lastWeek: number; lastRank: number }>();
    // The first published week carries history from before it; start checking from its own numbers.
    weeks[0].entries.forEach((e) =>
      history.set(e.trackId, { appearances: e.appearancesOnChart, consecutive: e.consecutiveAppearancesOnChart, peak: e.peakRank, lastWeek: 0, lastRank: e.rank }),
    );
    for (let w = 1; w < weeks.length; w++) {
      for (const e of weeks[w].entries) {
        const seen = history.get(e.trackId);
        const onLastWeek = seen?.lastWeek === w - 1;
        expect(e.previousRank).to.equal(onLastWeek ? seen?.lastRank : -1);
        if (seen) {
          expect(e.appearancesOnChart).to.equal(seen.appearances + 1);
          expect(e.consecutiveAppearancesOnChart).to.equal(onLastWeek ? seen.consecutive + 1 : 1);
          expect(e.peakRank).to.equal(Math.min(seen.peak, e.rank));
          const status = !onLastWeek ? 'RE_ENTRY' : e.rank < seen.lastRank ? 'MOVED_UP' : e.rank > seen.lastRank ? 'MOVED_DOWN' : 'NO_CHANGE';
          expect(e.entryStatus).to.equal(status);
        } else {
          expect(e.entryStatus).to.be.oneOf(['NEW_ENTRY', 'RE_ENTRY']);
          if (e.entryStatus === 'NEW_ENTRY') {
            expect(e).to.include({ appearancesOnChart: 1, consecutiveAppearancesOnChart: 1, peakRank: e.rank, entryRank: e.rank, entryDate: weeks[w].date });
          }
        }
        history.set(e.trackId, { appearances: e.appearancesOnChart, consecutive: e.consecutiveAppearancesOnChart, peak: e.peakRank, lastWeek: w, lastRank: e.rank });
      }
    }
  });

  it('shows real chart dynamics: debuts (some at #1), re-entries, climbs, long runs, drop-outs', () => {
    const entries = weeks.flatMap((w) => w.entries);
    const count = (status: string) => entries.filter((e) => e.entryStatus === status).length;
    expect(count('NEW_ENTRY')).to.be.greaterThan(500);
    expect(count('RE_ENTRY')).to.be.greaterThan(20);
    expect(count('MOVED_UP')).to.be.greaterThan(1000);
    expect(count('NO_CHANGE')).to.be.greaterThan(50);
    expect(entries.filter((e) => e.entryStatus === 'NEW_ENTRY' && e.rank === 1).length).to.be.at.least(1);
    expect(Math.max(...entries.map((e) => e.consecutiveAppearancesOnChart))).to.be.at.least(52);
    // Climbers: debut outside the top 50, later in the top 10.
    const climbers = entries.filter((e) => e.rank <= 10 && e.entryRank > 50);
    expect(climbers.length).to.be.greaterThan(0);
    // Turnover every week, within realistic bounds.
    for (const week of weeks) {
      const fresh = week.entries.filter((e) => e.previousRank === -1).length;
      expect(fresh).to.be.within(3, 60);
    }
  });

  it('has collaborations, albums with several charting tracks, genres, labels and releases before the debut', () => {
    const charting = new Set(weeks.flatMap((w) => w.entries.map((e) => e.trackId)));
    const collabs = [...charting].filter((id) => (catalog.tracks.get(id)?.artistIds.length ?? 0) >= 2);
    expect(collabs.length).to.be.greaterThan(50);
    expect(collabs.some((id) => /\((feat\.|with) /.test(catalog.tracks.get(id)?.name ?? ''))).to.equal(true);
    const perAlbum = new Map<string, number>();
    for (const id of charting) {
      const albumId = catalog.tracks.get(id)?.albumId ?? '';
      perAlbum.set(albumId, (perAlbum.get(albumId) ?? 0) + 1);
    }
    expect([...perAlbum.values()].filter((n) => n >= 2).length).to.be.greaterThan(20);
    expect([...catalog.artists.values()].filter((a) => a.genres.length > 0).length).to.be.greaterThan(500);
    expect(new Set([...catalog.albums.values()].map((a) => a.label)).size).to.be.greaterThan(10);
    // Every charting track was released before (or in the week of) its first published appearance.
    const firstWeek = new Map<string, string>();
    for (const week of weeks) for (const e of week.entries) if (!firstWeek.has(e.trackId)) firstWeek.set(e.trackId, week.date);
    for (const [trackId, date] of firstWeek) {
      const album = catalog.albums.get(catalog.tracks.get(trackId)?.albumId ?? '');
      expect(album, trackId).not.to.equal(undefined);
      expect((album?.releaseDate ?? '9999').slice(0, 4) <= date.slice(0, 4)).to.equal(true);
      if (album?.releaseDatePrecision === 'day') expect(album.releaseDate < date, `${trackId} ${album.releaseDate} ${date}`).to.equal(true);
    }
  });

  it('has the Top 50 - Global editorial playlist (the latest week) and a user playlist', () => {
    const top50 = catalog.playlists.get(TOP_50_GLOBAL_PLAYLIST_ID);
    expect(top50?.editorial).to.equal(true);
    expect(top50?.trackIds).to.deep.equal(weeks[103].entries.slice(0, 50).map((e) => e.trackId));
    const user = [...catalog.playlists.values()].find((p) => !p.editorial);
    expect(user?.trackIds.length).to.be.greaterThan(100);
  });
});
