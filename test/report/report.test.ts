import { expect } from 'chai';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LocalPipeline } from '../../src/pipeline';
import { FsStore } from '../../src/store';
import { buildReport, CHART_TITLES, movement, PATTERNS, writeReport } from '../../src/report';
import { silentLogger } from '../../src/log';
import type { DuckDbEngine } from '../../src/query';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';
import { skipBecause } from '../support/skip';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** The README's screenshot: refreshed when CHARTLAKE_SCREENSHOT=1 (kept out of normal runs so tests do not touch the repo). */
const README_SCREENSHOT = path.resolve(__dirname, '..', '..', 'docs', 'report.png');

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
  let data: Awaited<ReturnType<typeof buildReport>>['data'];

  before(async function () {
    requireShared(this);
    dir = tempDir('report');
    const store = new FsStore(dir);
    pipeline = await LocalPipeline.open(store, silentLogger);
    expect((await pipeline.importFiles([US_2023])).failures).to.deep.equal([]);
    engine = await pipeline.engine();
    const report = await buildReport(engine, { now: new Date('2024-01-01T00:00:00Z') });
    html = report.html;
    data = report.data;
    file = await writeReport(store, html);
  });
  after(async () => {
    await engine?.close();
    await pipeline?.close();
    if (dir) removeDir(dir);
  });

  it('writes one page to lake/reports/ with the latest week, its movements and the charts inline', () => {
    expect(file).to.equal(path.join(dir, 'reports', 'chartlake-report.html'));
    expect(readFileSync(file, 'utf8')).to.equal(html);
    expect(html).to.include('regional-us-weekly').and.include('2023-12-28');
    // The 2023-12-28 number 1 (Rockin' Around The Christmas Tree, same rank as the week before), escaped.
    expect(html).to.include('Rockin&#39; Around The Christmas Tree');
    // Self-contained: no script, no stylesheet or image link, no URL but the SVG namespaces.
    expect(html).not.to.match(/<script|<link|<img|url\((?!#)/i);
    const urls = (html.match(/https?:\/\/[^"'\s)]+/g) ?? []).filter((url) => !/^http:\/\/www\.w3\.org\//.test(url));
    expect(urls).to.deep.equal([]);
    // CSV-only lake: no albums, and the three API-only patterns say why instead of drawing an empty chart.
    expect(html).to.include('No album data for this range');
    expect((html.match(/Needs weeks enriched by the Spotify Web API/g) ?? []).length).to.equal(3);
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

  it('renders in headless Chromium without errors or outside requests, with every chart, and a screenshot', async function () {
    if (!existsSync(CHROMIUM)) {
      skipBecause(this, `${CHROMIUM} is missing — install Debian's chromium (.ci/run does)`);
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
      const url = `file://${file}`;
      await page.goto(url, { waitUntil: 'load' });
      expect(problems).to.deep.equal([]);
      expect(requests).to.deep.equal([url]);

      type Node = { querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }> };
      const titles = await page.$$eval('svg', (svgs) => svgs.map((svg) => Array.from((svg as unknown as Node).querySelectorAll('.role-title-text')).map((t) => t.textContent).join(' ')));
      const drawn = PATTERNS.slice(0, 6).map((pattern) => pattern.title);
      expect(titles).to.include.members([...Object.values(CHART_TITLES), ...drawn]);
      expect(titles).to.have.length(Object.values(CHART_TITLES).length + drawn.length);
      // The rank chart draws one line per song of the current top 10.
      const lines = await page.$$eval('#rank-over-time svg path[aria-roledescription="line mark"]', (paths) => paths.length);
      expect(lines).to.equal(10);
      expect(await page.$$eval('#latest-chart tbody tr', (rows) => rows.length)).to.equal(20);

      const shotDir = path.join(dir, 'reports');
      mkdirSync(shotDir, { recursive: true });
      await page.screenshot({ path: path.join(shotDir, 'chartlake-report.png'), fullPage: true });
      expect(readFileSync(path.join(shotDir, 'chartlake-report.png')).subarray(1, 4).toString()).to.equal('PNG');
      if (process.env.CHARTLAKE_SCREENSHOT === '1') await page.screenshot({ path: README_SCREENSHOT, fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
