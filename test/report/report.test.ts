import { expect } from 'chai';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LocalPipeline } from '../../src/pipeline';
import { FsStore } from '../../src/store';
import { artistLinks, buildExplorer, buildReport, renderReport, CHART_TITLES, DEFAULT_TOP, movement, PATTERNS, readable, runsOf, timeline, writeReport } from '../../src/report';
import { silentLogger } from '../../src/log';
import type { DuckDbEngine } from '../../src/query';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';
import { skipBecause } from '../support/skip';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** The README's screenshot: refreshed when CHARTLAKE_SCREENSHOT=1 (kept out of normal runs so tests do not touch the repo). */
const README_SCREENSHOT = path.resolve(__dirname, '..', '..', 'docs', 'report.png');
const README_SONG_SCREENSHOT = path.resolve(__dirname, '..', '..', 'docs', 'report-song.png');

describe('movement arrows', () => {
  it('says NEW, RE, ▲ n, ▼ n or =', () => {
    expect(movement({ entry_status: 'NEW_ENTRY', previous_rank: null, rank: 5 }).text).to.equal('NEW');
    expect(movement({ entry_status: 'RE_ENTRY', previous_rank: null, rank: 5 }).text).to.equal('RE');
    expect(movement({ entry_status: 'MOVED_UP', previous_rank: 9, rank: 5 }).text).to.equal('▲ 4');
    expect(movement({ entry_status: 'MOVED_DOWN', previous_rank: 2, rank: 5 }).text).to.equal('▼ 3');
    expect(movement({ entry_status: 'NO_CHANGE', previous_rank: 5, rank: 5 }).text).to.equal('=');
  });
});

describe('chartlake report on the 52 real US weeks of 2023', function () {
  let dir: string;
  let pipeline: LocalPipeline;
  let engine: DuckDbEngine;
  let file: string;
  let html: string;
  let pages: Record<string, string>;
  let data: Awaited<ReturnType<typeof buildReport>>['data'];
  let built: { explorer: ReturnType<typeof buildExplorer> };

  before(async function () {
    requireShared(this);
    dir = tempDir('report');
    const store = new FsStore(dir);
    pipeline = await LocalPipeline.open(store, silentLogger);
    expect((await pipeline.importFiles([US_2023])).failures).to.deep.equal([]);
    engine = await pipeline.engine();
    const report = await buildReport(engine, { now: new Date('2024-01-01T00:00:00Z') });
    html = report.html;
    pages = report.pages;
    data = report.data;
    built = { explorer: buildExplorer(data.chartWeeks, data.songWeeks, data.songArtists, data.songWriters, DEFAULT_TOP) };
    file = await writeReport(store, pages);
  });
  after(async () => {
    await engine?.close();
    await pipeline?.close();
    if (dir) removeDir(dir);
  });

  it('writes a folder to lake/reports/chartlake-report/: the front page and a page per song and artist of the top 50', () => {
    expect(file).to.equal(path.join(dir, 'reports', 'chartlake-report', 'index.html'));
    expect(readFileSync(file, 'utf8')).to.equal(html);
    expect(Object.keys(pages).filter((page) => page.startsWith('songs/'))).to.have.length(50);
    expect(Object.keys(pages).filter((page) => page.startsWith('artists/'))).to.have.length(50);
    for (const page of Object.keys(pages)) expect(existsSync(path.join(dir, 'reports', 'chartlake-report', page)), page).to.equal(true);
    expect(readdirSync(path.join(dir, 'reports', 'chartlake-report', 'songs'))).to.have.length(50);
    expect(html).to.include('regional-us-weekly').and.include('2023-12-28');
    // The 2023-12-28 number 1 (Rockin' Around The Christmas Tree, same rank as the week before), escaped.
    expect(html).to.include('Rockin&#39; Around The Christmas Tree');
    for (const [page, text] of Object.entries(pages)) {
      // Self-contained: no script file, stylesheet or image link, no URL but the SVG namespaces; only the front page has a script.
      expect(text, page).not.to.match(/<script[^>]*\ssrc=|<link|<img|url\((?!#)/i);
      expect((text.match(/https?:\/\/[^"'\s)]+/g) ?? []).filter((url) => !/^http:\/\/www\.w3\.org\//.test(url)), page).to.deep.equal([]);
      if (page !== 'index.html') expect(text, page).not.to.include('<script');
      // Readers' units: no SI suffixes such as "2.57306G" or "812.3M" anywhere.
      expect(text, page).not.to.match(/>\s*-?\d+(\.\d+)?[kMGT]\s*</);
    }
    // CSV-only lake: no albums and no songwriters, and the panels say how to fill them; the API-only patterns say why.
    expect(html).to.include('No album data for this range').and.include('chartlake enrich');
    expect(html).to.include('No songwriters for this range').and.include('chartlake enrich --credits');
    expect((html.match(/Needs weeks enriched by the Spotify Web API/g) ?? []).length).to.equal(3);
  });

  it('replaces an earlier report whole: a smaller --top leaves no orphan pages, in the lake or in an --out folder', async () => {
    const store = new FsStore(dir);
    const out = path.join(dir, 'out');
    for (const where of [undefined, out]) {
      const small = await buildReport(engine, { top: 3, now: new Date('2024-01-01T00:00:00Z') });
      const index = await writeReport(store, pages, where);
      await writeReport(store, small.pages, where);
      const folder = path.dirname(index);
      expect(readdirSync(path.join(folder, 'songs')).sort()).to.deep.equal(Object.keys(small.pages).filter((page) => page.startsWith('songs/')).map((page) => page.slice(6)).sort());
      expect(readdirSync(path.join(folder, 'artists'))).to.have.length(3);
      await writeReport(store, pages, where); // the other tests read the full report
    }
  });

  it('counts the top songs and artists as SQL does, across track ids, in readers\u2019 units', async () => {
    const { rows: songRows } = await engine.query(
      `SELECT s.song_id, sum(e.streams) AS streams, count(DISTINCT e.week) AS weeks, min(e.rank) AS peak
       FROM chart_entries AS e JOIN songs AS s ON s.track_id = e.track_id
       GROUP BY s.song_id ORDER BY streams DESC LIMIT 3`,
    );
    const { explorer } = built;
    expect(explorer.songs.slice(0, 3).map((song) => [song.song_id, song.streams, song.weeks, song.peak])).to.deep.equal(
      songRows.map((row) => [row.song_id, Number(row.streams), Number(row.weeks), Number(row.peak)]),
    );
    const top = explorer.songs[0];
    const page = pages[top.href];
    expect(page).to.include(`<dd>${readable(Number(songRows[0].streams))}</dd>`).and.include(`<dd>#${songRows[0].peak}</dd>`).and.include(`<dd>${songRows[0].weeks}</dd>`);
    expect(readable(Number(songRows[0].streams))).to.match(/^\d+(\.\d+)? [BMK]$/);

    const { rows: artistRows } = await engine.query(
      `SELECT a.artist_name, sum(e.streams) AS streams, count(DISTINCT s.song_id) AS songs
       FROM (SELECT DISTINCT e.chart, e.week, e.track_id, e.streams FROM chart_entries AS e) AS e
       JOIN songs AS s ON s.track_id = e.track_id
       JOIN (SELECT DISTINCT chart, week, track_id, artist_name FROM track_artists) AS a ON a.track_id = e.track_id AND a.chart = e.chart AND a.week = e.week
       GROUP BY a.artist_name ORDER BY streams DESC LIMIT 1`,
    );
    const artist = explorer.artists[0];
    expect([artist.artist_name, artist.streams, artist.songs.length]).to.deep.equal([artistRows[0].artist_name, Number(artistRows[0].streams), Number(artistRows[0].songs)]);
    expect(pages[artist.href]).to.include(`<dd>${readable(Number(artistRows[0].streams))}</dd>`);
    // Every song of the artist's page links to the song's page where it has one.
    for (const song of artist.songs) if (explorer.songHref.has(song.song_id)) expect(pages[artist.href]).to.include(`href="../${explorer.songHref.get(song.song_id)}"`);
  });

  it('shows songwriters where song_credits knows them: on the song page and in the range\u2019s top songwriters', async () => {
    // A lake enriched with credits is another branch's fixture: here the rows the two songwriter queries return.
    const flowers = built.explorer.songs.find((song) => song.song_name === 'Flowers')!;
    const writers = [
      { song_id: flowers.song_id, person_name: 'Miley Cyrus', roles: 'writer' },
      { song_id: flowers.song_id, person_name: 'Gregory Aldae Hein', roles: 'composer, lyricist' },
    ];
    const songwriters = [{ songwriter: 'Miley Cyrus', person_mbid: 'x', streams: flowers.streams, share_pct: 1.2, charting_songs: 1, weeks_at_number_1: 3, best_rank: 1, credited_share_pct: 4.5 }];
    const rendered = await renderReport({ ...data, songWriters: writers, songwriters }, { now: new Date('2024-01-01T00:00:00Z') });
    const songPage = rendered.pages[flowers.href];
    expect(songPage).to.include('Gregory Aldae Hein <span class="muted">composer, lyricist</span>').and.not.include('No songwriters known');
    const panel = rendered.html.slice(rendered.html.indexOf('id="top-songwriters"'));
    expect(panel).to.include('Miley Cyrus').and.include(`<td class="num">${readable(flowers.streams)}</td>`).and.include('4.5 %');
    expect(panel).not.to.include('No songwriters for this range');
  });

  it('follows a song across its track ids: "Jingle Bell Rock" (#2 on 2023-12-28) has its ranks since 2023-11-09, #4 on 2023-11-30', () => {
    // From the files: every row of the title by Bobby Helms, whichever id it is on.
    const expected = readdirSync(US_2023)
      .filter((name) => name.endsWith('.csv'))
      .sort()
      .flatMap((name) => {
        const line = readFileSync(path.join(US_2023, name), 'utf8').split(/\r?\n/).find((text) => text.includes('"Bobby Helms","Jingle Bell Rock"'));
        return line ? [{ week: /(\d{4}-\d{2}-\d{2})\.csv$/.exec(name)![1], rank: Number(line.split(',')[0]) }] : [];
      });
    expect(new Set(readdirSync(US_2023).flatMap((name) => readFileSync(path.join(US_2023, name), 'utf8').match(/spotify:track:\w+(?=","Bobby Helms","Jingle Bell Rock")/g) ?? [])).size).to.equal(2);
    const history = data.rankHistory.filter((point) => point.track_name === 'Jingle Bell Rock').map((point) => ({ week: point.week, rank: point.rank }));
    expect(history).to.deep.equal(expected);
    expect(history[0]).to.deep.equal({ week: '2023-11-09', rank: 119 });
    expect(history.find((point) => point.week === '2023-11-30')).to.deep.equal({ week: '2023-11-30', rank: 4 });
  });

  it('renders in headless Chromium: every page loads without errors or outside requests, every link resolves, search finds a song', async function () {
    if (!existsSync(CHROMIUM)) {
      skipBecause(this, `${CHROMIUM} is missing — install Debian's chromium (.ci/run does)`);
    }
    this.timeout(300_000);
    const folder = path.dirname(file);
    // Every relative link of every page names a page of the folder.
    for (const [page, text] of Object.entries(pages)) {
      for (const [, href] of text.matchAll(/href="([^"]+)"/g)) {
        expect(existsSync(path.resolve(folder, path.dirname(page), href)), `${page} links to ${href}`).to.equal(true);
      }
    }
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('request', (request) => requests.push(request.url()));
      for (const name of Object.keys(pages)) {
        const url = `file://${path.join(folder, name)}`;
        requests.length = 0;
        await page.goto(url, { waitUntil: 'load' });
        expect(problems, name).to.deep.equal([]);
        expect(requests, name).to.deep.equal([url]);
      }

      const url = `file://${file}`;
      await page.goto(url, { waitUntil: 'load' });
      type Node = { querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }> };
      const titles = await page.$$eval('svg', (svgs) => svgs.map((svg) => Array.from((svg as unknown as Node).querySelectorAll('.role-title-text')).map((t) => t.textContent).join(' ')));
      const drawn = PATTERNS.slice(0, 6).map((pattern) => pattern.title);
      expect(titles).to.include.members([...Object.values(CHART_TITLES), ...drawn]);
      expect(titles).to.have.length(Object.values(CHART_TITLES).length + drawn.length);
      // The rank chart draws one line per song of the current top 10, with an axis tick on each of the 52 chart weeks.
      expect(await page.$$eval('#rank-over-time svg path[aria-roledescription="line mark"]', (paths) => paths.length)).to.equal(10);
      expect(await page.$$eval('#rank-over-time svg .mark-rule.role-axis-tick line[y2="5"]', (ticks) => ticks.length)).to.equal(52);
      expect(await page.$$eval('#latest-chart tbody tr', (rows) => rows.length)).to.equal(20);

      const shotDir = path.join(dir, 'reports');
      mkdirSync(shotDir, { recursive: true });
      await page.screenshot({ path: path.join(shotDir, 'chartlake-report.png'), fullPage: true });
      expect(readFileSync(path.join(shotDir, 'chartlake-report.png')).subarray(1, 4).toString()).to.equal('PNG');
      if (process.env.CHARTLAKE_SCREENSHOT === '1') await page.screenshot({ path: README_SCREENSHOT, fullPage: true });

      // Search: typing part of a title lists the song; following the result opens its page.
      const flowers = built.explorer.songs.find((song) => song.song_name === 'Flowers')!;
      expect(flowers, 'Flowers is in the top 50 of 2023').to.not.equal(undefined);
      await page.fill('#search', 'flowers miley');
      const results = await page.$$eval('#search-results a', (links) => links.map((link) => ({ text: link.textContent, href: link.getAttribute('href') })));
      expect(results).to.deep.include({ text: 'Flowers', href: flowers.href });
      await page.click(`#search-results a[href="${flowers.href}"]`);
      await page.waitForURL(`file://${path.join(folder, flowers.href)}`);
      expect(await page.textContent('h1')).to.equal('Flowers');
      expect(await page.$$eval('#timeline circle', (points) => points.length)).to.equal(flowers.weeks);
      if (process.env.CHARTLAKE_SCREENSHOT === '1') await page.screenshot({ path: README_SONG_SCREENSHOT, fullPage: true });
    } finally {
      await browser.close();
    }
  });
});

describe('report timelines and runs follow the chart depth', () => {
  const weeks = [
    { week: '2023-01-05', depth: 200 },
    { week: '2023-01-12', depth: 50 },
    { week: '2023-01-19', depth: 200 },
    { week: '2023-01-26', depth: 200 },
    { week: '2023-02-02', depth: 200 },
  ];
  it('a song at 120 is "not shown" in a week of 50, not off the chart: its run goes on', () => {
    const entries = new Map([
      ['2023-01-05', { rank: 120, streams: 1000 }],
      ['2023-01-19', { rank: 110, streams: 1100 }],
      ['2023-02-02', { rank: 90, streams: 1500 }],
    ]);
    const points = timeline(weeks, entries);
    expect(points.map((point) => point.state)).to.deep.equal(['on', 'not-shown', 'on', 'off', 'on']);
    expect(runsOf(points)).to.deep.equal([
      { first_week: '2023-01-05', last_week: '2023-01-19', weeks: 2 },
      { first_week: '2023-02-02', last_week: '2023-02-02', weeks: 1 },
    ]);
  });
  it('says numbers in readers\u2019 units', () => {
    expect([readable(2_573_060_000), readable(812_345_678), readable(45_600_000), readable(45_600), readable(9_876)]).to.deep.equal(['2.57 B', '812 M', '45.6 M', '45.6 K', '9,876']);
  });
});

describe('report links artist names whole', () => {
  it('links each credited name once, the longest first, never a name inside another', () => {
    const explorer = buildExplorer([], [], [], [], 0);
    explorer.artistHref.set('Drake', 'artists/001-drake.html');
    explorer.artistHref.set('Drake Bell', 'artists/002-drake-bell.html');
    explorer.artistHref.set('Tyler, The Creator', 'artists/003-tyler-the-creator.html');
    const links = { prefix: '../', explorer };
    expect(artistLinks(links, 'Drake Bell, Drake', ['Drake Bell', 'Drake'])).to.equal('<a href="../artists/002-drake-bell.html">Drake Bell</a>, <a href="../artists/001-drake.html">Drake</a>');
    expect(artistLinks(links, 'Tyler, The Creator, Kali Uchis', ['Tyler, The Creator', 'Kali Uchis'])).to.equal('<a href="../artists/003-tyler-the-creator.html">Tyler, The Creator</a>, Kali Uchis');
    expect(artistLinks(links, 'Drakeo & <Co>')).to.equal('Drakeo &amp; &lt;Co&gt;');
  });
});
