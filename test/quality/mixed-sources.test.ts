import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openLakeEngine } from '../../src/catalog';
import { buildDemoCatalog, GLOBAL_WEEKLY_ALIAS } from '../../src/demo/catalog';
import { DEMO_CHARTS_TOKEN, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, demoSourceOptions, startSpotifyServer, type SpotifyServer } from '../../src/demo/spotify-server';
import { silentLogger } from '../../src/log';
import { LocalPipeline } from '../../src/pipeline';
import { listRuns, type QualityReport } from '../../src/quality';
import { runSavedAnalysis, savedAnalysis, type DuckDbEngine, type Row } from '../../src/query';
import { FsStore, rawCsvKey } from '../../src/store';
import { removeDir, tempDir } from '../support/lake';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'chartlake.js');
const chart = GLOBAL_WEEKLY_ALIAS;

/**
 * A lake of the demo chart where one week came from the public charts service (no token: 50 entries) between weeks
 * extracted with a charts token (200 entries), and where a CSV of an enriched week was imported over it, through
 * the compiled `chartlake` as a user would run it. The demo catalog holds every week's full 200 entries: it says
 * independently which songs really stayed on the chart through the shallow week.
 */
describe('mixed sources and chart depth: a 50-entry week among 200s, a CSV over an enriched week', function () {
  const catalog = buildDemoCatalog({ weeks: 6 });
  const weeks = catalog.weeks;
  const shallow = weeks[2];
  const imported = weeks[4];
  const full = new Map((catalog.charts.get(chart) ?? []).map((c) => [c.date, c]));
  let server: SpotifyServer;
  let dir: string;
  let inputs: string;
  let store: FsStore;
  let engine: DuckDbEngine;
  let original: { albums: Row[]; artistIds: Row[] };
  const csvName = `${chart}-${imported}.csv`;
  const env = () => ({
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    CHARTLAKE_SPOTIFY_BASE_URL: server.url,
    CHARTLAKE_CHARTS_TOKEN: DEMO_CHARTS_TOKEN,
    SPOTIFY_CLIENT_ID: DEMO_CLIENT_ID,
    SPOTIFY_CLIENT_SECRET: DEMO_CLIENT_SECRET,
  });
  /** The compiled CLI, spawned without blocking: the test server answers it from this process. */
  const chartlake = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [BIN, ...args, '--lake', dir], { cwd: ROOT, env: env(), encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) =>
        resolve({ status: error ? (child.exitCode ?? 1) : 0, stdout, stderr }),
      );
    });
  const range = { chart, from_week: weeks[0], to_week: weeks[weeks.length - 1] };
  const saved = async (name: string, extra: Record<string, number> = {}) => (await runSavedAnalysis(engine, savedAnalysis(name), { ...range, ...extra })).rows;
  const weekRows = async (sql: string) => (await engine.query(sql)).rows;

  before(async function () {
    this.timeout(300_000);
    (require('../../scripts/build.js') as { ensureBuilt(options?: { quiet?: boolean }): boolean }).ensureBuilt({ quiet: true });
    server = await startSpotifyServer({ catalog, mode: 'development' });
    dir = tempDir('mixed-sources');
    inputs = tempDir('mixed-sources-inputs');
    store = new FsStore(dir);
    const pipeline = await LocalPipeline.open(store, silentLogger);
    try {
      for (const week of weeks.filter((w) => w !== shallow && w !== imported)) await pipeline.extractWeek({ chart, week }, demoSourceOptions(server.url));
      // Without a token the charts service serves only its latest week, 50 entries deep.
      server.latestWeek = shallow;
      await pipeline.extractWeek({ chart }, demoSourceOptions(server.url, { chartsToken: undefined }));
      server.latestWeek = weeks[weeks.length - 1];
    } finally {
      await pipeline.close();
    }
    const extracted = await chartlake('run', '--chart', chart, '--week', imported);
    expect(extracted.status, extracted.stderr).to.equal(0);
    engine = await openLakeEngine(store, { recrawl: true });
    original = await weekOf(imported);
  });
  after(async () => {
    await engine?.close();
    await server?.close();
    if (dir) removeDir(dir);
    if (inputs) removeDir(inputs);
  });

  async function weekOf(week: string): Promise<{ albums: Row[]; artistIds: Row[] }> {
    return {
      albums: await weekRows(`SELECT album_id, name, release_date FROM albums WHERE week = DATE '${week}' ORDER BY album_id`),
      artistIds: await weekRows(`SELECT track_id, position, artist_id FROM track_artists WHERE week = DATE '${week}' ORDER BY track_id, position`),
    };
  }

  it('records each week\'s depth: 50 for the week without a token, 200 for the others', async () => {
    const runs = await listRuns(store);
    expect(runs.map((run) => [run.week, run.depth, run.entries])).to.deep.equal(weeks.map((week) => [week, week === shallow ? 50 : 200, week === shallow ? 50 : 200]));
  });

  it('longest-runs: a song below rank 50 the week before the shallow week and back after it keeps its run', async () => {
    const earlier = full.get(weeks[1])!.entries;
    const later = new Set(full.get(weeks[3])!.entries.map((e) => e.trackId));
    const shown = new Set(full.get(shallow)!.entries.filter((e) => e.rank <= 50).map((e) => e.trackId));
    // Songs the lake does not see in the shallow week although they stayed on the chart (the catalog's full week).
    const hidden = earlier.filter((e) => e.rank > 50 && later.has(e.trackId) && !shown.has(e.trackId)).map((e) => e.trackId);
    expect(hidden.length, 'the demo chart has songs below rank 50 that stay').to.be.greaterThan(20);
    const songOf = new Map((await weekRows('SELECT track_id, song_id FROM songs')).map((row) => [row.track_id as string, row.song_id as string]));
    const runs = new Map((await saved('longest-runs', { limit: 100_000 })).map((row) => [row.song_id as string, row]));
    for (const track of hidden) {
      const run = runs.get(songOf.get(track)!)!;
      expect(String(run.run_start) <= weeks[1] && String(run.run_end) >= weeks[3], `${track}: ${String(run.run_start)}..${String(run.run_end)}`).to.equal(true);
    }
  });

  it('longest-runs equals a count over the chart rows: an absence breaks a run only where the week was deep enough to show the song', async () => {
    const rows = await weekRows(`SELECT CAST(e.week AS VARCHAR) AS week, e.rank, s.song_id FROM chart_entries AS e JOIN songs AS s USING (track_id) ORDER BY week`);
    const depth = new Map<string, number>();
    for (const row of rows) depth.set(row.week as string, Math.max(depth.get(row.week as string) ?? 0, Number(row.rank)));
    const order = [...depth.keys()].sort();
    const bySong = new Map<string, Map<number, number>>();
    for (const row of rows) {
      const song = bySong.get(row.song_id as string) ?? new Map<number, number>();
      song.set(order.indexOf(row.week as string), Number(row.rank));
      bySong.set(row.song_id as string, song);
    }
    const expected = new Map<string, number>();
    for (const [song, ranks] of bySong) {
      let best = 0;
      let start = -1;
      let last = -1;
      for (const index of [...ranks.keys()].sort((a, b) => a - b)) {
        const skipped = order.slice(last + 1, index).map((week) => depth.get(week)!);
        if (start < 0 || skipped.some((d) => d >= ranks.get(last)!)) start = index;
        last = index;
        best = Math.max(best, index - start + 1);
      }
      expected.set(song, best);
    }
    const actual = new Map((await saved('longest-runs', { limit: 100_000 })).map((row) => [row.song_id as string, Number(row.longest_run_weeks)]));
    expect(actual).to.deep.equal(expected);
  });

  it('re-entries and new-entries after the shallow week name only songs that were off the full chart the week before', async () => {
    const onChart = (week: string) => new Set(full.get(week)!.entries.map((e) => e.trackId));
    const previous = new Map(weeks.slice(1).map((week, index) => [week, onChart(weeks[index])]));
    const reentries = await saved('re-entries', { limit: 100_000 });
    const debuts = await saved('new-entries', { limit: 100_000 });
    expect(reentries.length + debuts.length).to.be.greaterThan(0);
    for (const row of reentries) expect(previous.get(String(row.week))?.has(row.track_id as string), `re-entry ${String(row.track_id)} ${String(row.week)}`).to.not.equal(true);
    for (const row of debuts) expect(previous.get(String(row.debut_week))?.has(row.track_id as string), `debut ${String(row.track_id)} ${String(row.debut_week)}`).to.not.equal(true);
    expect(reentries.filter((row) => String(row.week) === weeks[3]).length + debuts.filter((row) => String(row.debut_week) === weeks[3]).length).to.equal(
      full.get(weeks[3])!.entries.filter((e) => e.entryStatus === 'NEW_ENTRY' || e.entryStatus === 'RE_ENTRY').length,
    );
  });

  describe('a CSV imported over an enriched week (chartlake run, then chartlake import)', () => {
    let quality: { status: number | null; report: QualityReport; table: string };

    before(async function () {
      this.timeout(120_000);
      // The CSV Spotify Charts gives for the week: the same chart, one stream count different, no albums or artist ids.
      const rows = await weekRows(`SELECT rank, track_id, artist_names, track_name, label, peak_rank, previous_rank, weeks_on_chart, streams FROM chart_entries WHERE week = DATE '${imported}' ORDER BY rank`);
      const quote = (value: unknown) => `"${String(value ?? '').replace(/"/g, '""')}"`;
      const lines = rows.map((row) =>
        [row.rank, `spotify:track:${String(row.track_id)}`, quote(row.artist_names), quote(row.track_name), quote(row.label), row.peak_rank, row.previous_rank ?? -1, row.weeks_on_chart, Number(row.streams) + (row.rank === 7 ? 1000 : 0)].join(','),
      );
      writeFileSync(path.join(inputs, csvName), `rank,uri,artist_names,track_name,source,peak_rank,previous_rank,weeks_on_chart,streams\n${lines.join('\n')}\n`);
      const result = await chartlake('import', path.join(inputs, csvName));
      expect(result.status, result.stderr + result.stdout).to.equal(0);
      const answer = await chartlake('quality', '--format', 'json');
      const table = await chartlake('quality');
      expect(table.status, table.stderr).to.equal(0);
      quality = { status: answer.status, report: JSON.parse(answer.stdout) as QualityReport, table: table.stdout };
      await engine.close();
      engine = await openLakeEngine(store, { recrawl: true });
    });

    it('keeps the week\'s albums and artist ids; the lineage names both raw objects', async () => {
      const now = await weekOf(imported);
      expect(original.albums.length).to.be.greaterThan(50);
      expect(now).to.deep.equal(original);
      expect(now.artistIds.every((row) => row.artist_id !== null)).to.equal(true);
      const run = (await listRuns(store)).find((r) => r.week === imported)!;
      expect(run.rawKeys).to.have.length(2);
      expect(run.rawKeys).to.include(rawCsvKey({ chart, week: imported }, csvName));
      expect(run.sourceKind).to.equal('charts-service');
      expect(run.enriched).to.equal(true);
    });

    it('chartlake quality exits 0, lists the shallow week with how to deepen it, and the disagreement with the rows kept', () => {
      expect(quality.status).to.equal(0);
      const { report } = quality;
      expect(report.ok).to.equal(true);
      expect(report.shallow.map((week) => [week.week, week.depth, week.neighbour_depth])).to.deep.equal([[shallow, 50, 200]]);
      expect(report.shallow[0].deepen).to.include(`chartlake run --chart ${chart} --week ${shallow} --force`).and.include('CHARTLAKE_CHARTS_TOKEN').and.include('import');
      expect(report.disagreements.map((d) => [d.week, d.kept])).to.have.length(1);
      expect(report.disagreements[0].week).to.equal(imported);
      expect(report.disagreements[0].kept).to.match(/^raw\/spotify\//);
      expect(report.disagreements[0].detail).to.match(/^raw\/charts-csv\/.*: 1 entries differ from raw\/spotify\/.* \(whose chart rows are kept\), e.g. track \w{22}: rank 7 vs 7, streams \d+ vs \d+$/);
      expect(report.warned.map((week) => [week.week, week.checks])).to.deep.include([imported, ['sources_disagree']]);
      expect(quality.table).to.contain(`SHALLOW  ${chart} ${shallow}  50 entries where the week beside it has 200`);
      expect(quality.table).to.contain(`DISAGREE ${chart} ${imported}  rows kept from ${report.disagreements[0].kept}`);
      expect(quality.table).to.match(/quality: ok \(nothing quarantined, no week missing; \d+ week\(s\) kept with warnings, 1 shallow\)\n$/);
    });
  });
});
