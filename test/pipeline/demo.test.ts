import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { openLakeEngine } from '../../src/catalog';
import { buildDemoCatalog } from '../../src/demo/catalog';
import { buildMusicBrainzModel } from '../../src/demo/musicbrainz-server';
import { demoChartingSongs, runDemo, type DemoOutcome } from '../../src/demo/run-demo';
import { runSavedAnalysis, savedAnalysis } from '../../src/query';
import { FsStore } from '../../src/store';
import type { DuckDbEngine } from '../../src/query';
import { removeDir, tempDir } from '../support/lake';

describe('the demo: weeks from the Spotify-compatible server through the whole pipeline', function () {
  const WEEKS = 8;
  let dir: string;
  let store: FsStore;
  let engine: DuckDbEngine;
  let output = '';
  let first: DemoOutcome;
  const sink = () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (output += chunk.toString()));
    return stream;
  };
  const scalar = async (sql: string) => Object.values((await engine.query(sql)).rows[0])[0];

  before(async () => {
    dir = tempDir('demo');
    store = new FsStore(dir);
    const outcome = (first = await runDemo({ store, weeks: WEEKS, out: sink(), progress: sink() }));
    expect(outcome).to.include({ weeks: WEEKS, extracted: WEEKS, reused: 0, rows: WEEKS * 200 });
    engine = await openLakeEngine(store);
  });
  after(async () => {
    await engine?.close();
    removeDir(dir);
  });

  it('writes one raw JSON envelope per week, enriched through the Web API in development mode', async () => {
    const raw = await store.list('raw/spotify/regional-global-weekly/');
    expect(raw).to.have.length(WEEKS);
    const envelope = JSON.parse((await store.get(raw[raw.length - 1].key))!.toString());
    expect(envelope.source).to.include({ kind: 'charts-service', api_mode: 'development' });
    expect(envelope.entries).to.have.length(200);
    expect(Object.keys(envelope.tracks)).to.have.length(200);
    // Development Mode answers drop popularity: absent in raw, null in the tables.
    expect(Object.values(envelope.tracks as Record<string, object>).every((t) => !('popularity' in t))).to.equal(true);
    expect(await scalar('SELECT count(popularity) FROM tracks')).to.equal(0);
  });

  it('has ranks 1..200 in every week and tables that join without orphans', async () => {
    expect(await scalar(`SELECT count(*) FROM (SELECT week FROM chart_entries GROUP BY week HAVING count(*) = 200 AND min(rank) = 1 AND max(rank) = 200 AND count(DISTINCT rank) = 200)`)).to.equal(WEEKS);
    expect(await scalar('SELECT count(*) FROM chart_entries e ANTI JOIN tracks t USING (chart, week, track_id)')).to.equal(0);
    expect(await scalar('SELECT count(*) FROM tracks t ANTI JOIN albums a ON a.album_id = t.album_id AND a.chart = t.chart AND a.week = t.week')).to.equal(0);
    expect(await scalar('SELECT count(*) FROM track_artists ta ANTI JOIN artists a ON a.artist_id = ta.artist_id AND a.chart = ta.chart AND a.week = ta.week')).to.equal(0);
    expect(await scalar('SELECT count(*) FROM track_artists WHERE artist_id IS NULL')).to.equal(0);
    // Collaborations exist and every album has its release date.
    expect(await scalar('SELECT count(*) FROM (SELECT track_id FROM track_artists GROUP BY ALL HAVING count(*) > 1)')).to.be.greaterThan(0);
    expect(await scalar('SELECT count(*) FROM albums WHERE release_date IS NULL')).to.equal(0);
  });

  it('offers one row per id in the *_latest views', async () => {
    expect(await scalar('SELECT count(*) - count(DISTINCT track_id) FROM tracks_latest')).to.equal(0);
    expect(await scalar('SELECT count(DISTINCT track_id) FROM tracks')).to.equal(await scalar('SELECT count(*) FROM tracks_latest'));
  });

  it('prints a summary: top 10, climbers, top artists, albums and songwriters', () => {
    for (const heading of ["This week's top 10", 'Biggest climbers', 'Top artists', 'Top albums', 'Top songwriters']) expect(output).to.contain(heading);
  });

  it('looks up the songwriters of every charting ISRC on the MusicBrainz test server; top-songwriters sums what the catalog says', async () => {
    const catalog = buildDemoCatalog({ weeks: WEEKS });
    const charts = [...catalog.charts.values()].flat();
    const isrcOf = new Map([...catalog.tracks.values()].map((track) => [track.id, track.isrc]));
    const isrcs = new Set(charts.flatMap((week) => week.entries.map((entry) => isrcOf.get(entry.trackId)!)));
    expect(first.songwriterLookups).to.equal(isrcs.size);
    expect(await store.list('raw/musicbrainz/')).to.have.length(isrcs.size);
    // Writers of each ISRC as the server's model holds them, over every recording and work; streams summed per writer.
    const model = buildMusicBrainzModel(demoChartingSongs(catalog));
    const streams = new Map<string, number>();
    for (const entry of charts.flatMap((week) => week.entries)) {
      const writers = new Set(model.get(isrcOf.get(entry.trackId)!)!.recordings.flatMap((r) => r.works.flatMap((w) => w.writers.map((x) => x.person.id))));
      for (const writer of writers) streams.set(writer, (streams.get(writer) ?? 0) + entry.streams);
    }
    const { rows } = await runSavedAnalysis(engine, savedAnalysis('top-songwriters'), { chart: 'regional-global-weekly', from_week: catalog.weeks[0], to_week: catalog.weeks[WEEKS - 1] });
    expect(rows.length).to.equal(Math.min(50, streams.size));
    for (const row of rows) expect(Number(row.streams), String(row.songwriter)).to.equal(streams.get(String(row.person_mbid)));
    expect(Number(rows[0].streams)).to.equal(Math.max(...streams.values()));
    expect(output).to.contain('Top songwriters').and.contain(String(rows[0].songwriter));
  });

  it('a second run reuses the lake: nothing extracted, no request to Spotify or MusicBrainz', async () => {
    const again = await runDemo({ store, weeks: WEEKS, out: sink(), progress: sink() });
    expect(again).to.include({ extracted: 0, reused: WEEKS, requests: 0, songwriterLookups: 0, musicbrainzRequests: 0 });
  });
});

/**
 * A batch of enriched envelopes larger than a pass (the demo's 104 weeks stopped `npm start` with DuckDB's "Out of
 * Memory" at its 512 MB limit: assembling albums from 13 envelopes at once already did): the transform splits a
 * chart-year between passes by weeks, each committing its own weeks, and the lake is whole.
 */
describe('the demo at 30 weeks: enriched envelopes beyond a pass are transformed in passes, within DuckDB\'s memory', function () {
  this.timeout(300_000);
  const WEEKS = 30;
  let dir: string;

  before(() => {
    dir = tempDir('demo-30');
  });
  after(() => {
    if (dir) removeDir(dir);
  });

  it('builds every week whole, over several passes', async () => {
    const store = new FsStore(dir);
    const sink = () => new PassThrough() as unknown as NodeJS.WriteStream;
    const outcome = await runDemo({ store, weeks: WEEKS, out: sink(), progress: sink() });
    expect(outcome).to.include({ weeks: WEEKS, extracted: WEEKS, rows: WEEKS * 200 });
    const engine = await openLakeEngine(store);
    try {
      const weeks = (await engine.query('SELECT week, count(*) AS n, count(DISTINCT run_id) AS runs FROM (SELECT e.week, r.run_id FROM chart_entries AS e JOIN _runs AS r USING (chart, week)) GROUP BY week')).rows;
      expect(weeks).to.have.length(WEEKS);
      expect(weeks.every((row) => row.n === 200 && row.runs === 1)).to.equal(true);
      const { rows } = await engine.query('SELECT count(DISTINCT run_id) AS passes, count(*) AS weeks FROM _runs');
      // Passes of at most 8 envelopes, each within one chart-year (the demo's weeks may span two years).
      const perYear = (await engine.query('SELECT year(CAST(week AS DATE)) AS year, count(*) AS n FROM _runs GROUP BY ALL')).rows;
      const expected = perYear.reduce((total, row) => total + Math.ceil(Number(row.n) / 8), 0);
      expect(expected).to.be.at.least(4);
      expect(rows[0]).to.deep.equal({ passes: expected, weeks: WEEKS });
      const albums = await engine.query('SELECT count(DISTINCT week) AS weeks FROM albums');
      expect(albums.rows[0].weeks, 'albums assembled for every week').to.equal(WEEKS);
    } finally {
      await engine.close();
    }
  });
});
