import { silentLogger, type Logger } from '../log';
import type { QueryEngine } from '../query';
import { artistShareSpec, barSpec, patternSpec, rankOverTimeSpec, renderSvg, THEME } from './charts';
import { loadReportData, resolveRange } from './data';
import { buildExplorer, monthlyTop } from './explore';
import { renderPage, type Links, type PageCharts } from './page';
import { renderArtistPage, renderSongPage } from './pages';
import type { PatternRow, ReportData, ReportRange } from './types';

/** The titles of the page's charts: the browser test looks for exactly these. */
export const CHART_TITLES = {
  rankOverTime: 'Rank over time: the current top 10',
  artists: 'Top artists by streams',
  artistShare: 'Share of the week’s streams: the top 5 artists',
  labels: 'Top labels by streams',
} as const;

/** The patterns-over-time grid: one small chart per measure of the chart-patterns analysis. */
export const PATTERNS: { id: string; title: string; format: string; value: (row: PatternRow) => number | null; note: string }[] = [
  { id: 'turnover', title: 'Chart turnover: new entries per week', format: 'd', value: (r) => r.new_entries, note: '' },
  { id: 're-entries', title: 'Re-entries per week', format: 'd', value: (r) => r.re_entries, note: '' },
  { id: 'concentration', title: 'Streams concentration: top-10 share', format: '.0%', value: (r) => r.top10_streams_share, note: '' },
  { id: 'collaborations', title: 'Collaboration share (more than one artist)', format: '.0%', value: (r) => r.collaboration_share, note: '' },
  { id: 'stay', title: 'How long songs stay: median weeks on chart', format: 'd', value: (r) => r.median_weeks_on_chart, note: '' },
  { id: 'streams', title: 'Streams of the whole chart per week', format: 'readable', value: (r) => r.streams, note: '' },
  { id: 'duration', title: 'Median song duration (minutes)', format: '.2f', value: (r) => (r.median_duration_ms === null ? null : r.median_duration_ms / 60000), note: 'Needs weeks enriched by the Spotify Web API: Charts CSV files carry no durations.' },
  { id: 'explicit', title: 'Explicit share', format: '.0%', value: (r) => r.explicit_share, note: 'Needs weeks enriched by the Spotify Web API: Charts CSV files carry no explicit flags.' },
  { id: 'debut-age', title: 'Age of songs at debut (median weeks since release)', format: '.1f', value: (r) => r.median_debut_age_weeks, note: 'Needs weeks enriched by the Spotify Web API: Charts CSV files carry no release dates.' },
];

/** How many songs and artists get a page of their own unless the caller says. */
export const DEFAULT_TOP = 50;

/** The report's front page; the song and artist pages sit beside it in songs/ and artists/. */
export const INDEX_PAGE = 'index.html';

export interface BuildReportOptions {
  range?: Partial<ReportRange>;
  /** Songs and artists of the range's top `top` (by streams) get a page each. */
  top?: number;
  now?: Date;
  log?: Logger;
}

export interface BuiltReport {
  /** The front page (pages[INDEX_PAGE]). */
  html: string;
  /** Every page by its path in the report's folder: index.html, songs/<nnn-name>.html, artists/<nnn-name>.html. */
  pages: Record<string, string>;
  data: ReportData;
  /** Milliseconds spent querying and rendering. */
  timings: { query: number; render: number };
}

/** Builds the report: queries through the engine (never files), charts rendered to inline SVG, linked pages. */
export async function buildReport(engine: QueryEngine, options: BuildReportOptions = {}): Promise<BuiltReport> {
  const log = options.log ?? silentLogger;
  const started = Date.now();
  const range = await resolveRange(engine, options.range);
  const data = await loadReportData(engine, range, log);
  const queried = Date.now();
  const { html, pages } = await renderReport(data, options);
  return { html, pages, data, timings: { query: queried - started, render: Date.now() - queried } };
}

/** Renders the pages from what the report read: the front page and the top songs' and artists' pages. */
export async function renderReport(data: ReportData, options: Pick<BuildReportOptions, 'top' | 'now'> = {}): Promise<{ html: string; pages: Record<string, string> }> {
  const charts = await renderCharts(data);
  const explorer = buildExplorer(data.chartWeeks, data.songWeeks, data.songArtists, data.songWriters, options.top ?? DEFAULT_TOP);
  const html = renderPage(data, charts, explorer, monthlyTop(data.songWeeks, data.songArtists), options.now ?? new Date());
  const links: Links = { prefix: '../', explorer };
  const depth = Math.max(0, ...data.chartWeeks.map((week) => week.depth));
  const pages: Record<string, string> = { [INDEX_PAGE]: html };
  for (const song of explorer.songs) pages[song.href] = renderSongPage(song, data.range, links, depth);
  for (const artist of explorer.artists) pages[artist.href] = renderArtistPage(artist, data.range, links, depth);
  return { html, pages };
}

async function renderCharts(data: ReportData): Promise<PageCharts> {
  const weeks = data.chartWeeks.map((week) => week.week);
  const songOf = (rank: number, name: string | null) => `${rank}. ${truncate(name ?? '?', 34)}`;
  const history = data.rankHistory.map((p) => ({ week: p.week, rank: p.rank, current_rank: p.current_rank, song: songOf(p.current_rank, p.track_name) }));
  const topArtists = new Set(data.artists.slice(0, 5).map((a) => a.artist_name));
  const shares = data.artistWeeks.filter((w) => topArtists.has(w.artist_name)).map((w) => ({ week: w.week, artist_name: w.artist_name, share: (w.share_pct ?? 0) / 100 }));
  const patterns = PATTERNS.map((pattern, index) => {
    const values = data.patterns.map((row) => ({ week: row.week, value: pattern.value(row) })).filter((point) => point.value !== null);
    return { pattern, values, color: THEME.palette[index % THEME.palette.length] };
  });
  const [rankOverTime, artists, artistShare, labels, ...patternSvgs] = await Promise.all([
    renderSvg(rankOverTimeSpec(CHART_TITLES.rankOverTime, history, weeks)),
    renderSvg(barSpec(CHART_TITLES.artists, data.artists.slice(0, 12).map((a) => ({ ...a, label: a.artist_name })), 'label', 'streams', 'streams (each credited artist counts the song)')),
    renderSvg(artistShareSpec(CHART_TITLES.artistShare, shares, weeks)),
    renderSvg(barSpec(CHART_TITLES.labels, data.labels.slice(0, 12).map((l) => ({ ...l, label: truncate(l.label, 40) })), 'label', 'streams', 'streams')),
    ...patterns.map(({ pattern, values, color }) => (values.length > 0 ? renderSvg(patternSpec(pattern.title, values, pattern.format, color, weeks)) : Promise.resolve(undefined))),
  ]);
  return {
    rankOverTime,
    artists,
    artistShare,
    labels,
    patterns: patterns.map(({ pattern }, index) => ({ id: pattern.id, title: pattern.title, svg: patternSvgs[index], note: pattern.note || 'No data in this range.' })),
  };
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
