import { THEME } from './charts';
import type { AlbumRow, ForecastEntry, LatestEntry, ReportData, SongRow } from './types';

/** Everything shown on the page, as text; `escape` keeps song titles from being read as markup. */
export function escape(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const number = (value: unknown) => (typeof value === 'number' ? value.toLocaleString('en-US') : '–');
const compact = (value: number | null | undefined) =>
  value === null || value === undefined ? '–' : value >= 1e9 ? `${(value / 1e9).toFixed(2)}B` : value >= 1e6 ? `${(value / 1e6).toFixed(1)}M` : value.toLocaleString('en-US');
const percent = (value: number | null | undefined) => (value === null || value === undefined ? '–' : `${Math.round(value * 100)}%`);

/** ▲ 3, ▼ 2, = , NEW, RE: the movement of a song against the week before. */
export function movement(entry: Pick<LatestEntry, 'entry_status' | 'previous_rank' | 'rank'>): { text: string; kind: string; title: string } {
  if (entry.entry_status === 'NEW_ENTRY') return { text: 'NEW', kind: 'new', title: 'new entry' };
  if (entry.entry_status === 'RE_ENTRY' || entry.previous_rank === null) return { text: 'RE', kind: 're', title: 're-entry' };
  const delta = entry.previous_rank - entry.rank;
  if (delta > 0) return { text: `▲ ${delta}`, kind: 'up', title: `up from ${entry.previous_rank}` };
  if (delta < 0) return { text: `▼ ${-delta}`, kind: 'down', title: `down from ${entry.previous_rank}` };
  return { text: '=', kind: 'same', title: 'same rank' };
}

export interface PageCharts {
  rankOverTime: string;
  artists: string;
  artistShare: string;
  labels: string;
  patterns: { id: string; title: string; svg?: string; note?: string }[];
}

export function renderPage(data: ReportData, charts: PageCharts, generatedAt: Date): string {
  const { range, span, latest } = data;
  const week = latest[0]?.week ?? range.to_week;
  const numberOne = latest[0];
  const title = `chartlake · ${range.chart} · ${range.from_week} → ${range.to_week}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escape(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <div class="brand"><span class="dot"></span>chartlake</div>
  <h1>${escape(range.chart)}</h1>
  <p class="sub">${escape(range.from_week)} → ${escape(range.to_week)} · ${span.weeks} weeks · generated ${escape(generatedAt.toISOString().slice(0, 16).replace('T', ' '))} UTC</p>
  <div class="kpis">
    ${kpi('weeks', String(span.weeks))}
    ${kpi('songs charted', number(span.songs))}
    ${kpi('streams in the charts', compact(span.streams))}
    ${kpi(`number 1 on ${week}`, escape(numberOne?.track_name ?? '–'), escape(numberOne?.artist_names ?? ''))}
  </div>
</header>
<main>
<section class="grid two">
  <article class="card" id="latest-chart">
    <h2>This week’s chart <span class="muted">${escape(week)} · top 20</span></h2>
    ${latestTable(latest)}
  </article>
  <div class="stack" id="trending">
    ${songList('Biggest climbers', data.climbers.slice(0, 5), (s) => `▲ ${s.places_gained} to #${s.rank}`, (s) => String(s.week))}
    ${songList('Strongest debuts', data.newEntries.slice(0, 5), (s) => `#${s.debut_rank}`, (s) => `debut ${s.debut_week}`)}
  </div>
</section>
<section class="grid one">
  <article class="card chart" id="rank-over-time">${charts.rankOverTime}</article>
</section>
${data.forecast ? forecastPanel(data.forecast.rows, data.forecast.error) : ''}
<section class="grid halves">
  <article class="card chart" id="top-artists">${charts.artists}</article>
  <article class="card chart" id="top-labels">${charts.labels}</article>
</section>
<section class="grid one">
  <article class="card chart" id="artist-share">${charts.artistShare}</article>
</section>
<section class="grid three">
  ${songList('Most streamed songs', data.mostStreams.slice(0, 6), (s) => compact(s.streams as number), (s) => `best #${s.best_rank}`)}
  ${songList('Longest runs', data.longestRuns.slice(0, 6), (s) => `${s.longest_run_weeks} wk`, (s) => `best #${s.best_rank}`)}
  <article class="card" id="top-albums">
    <h2>Top albums</h2>
    ${albumsList(data.albums)}
  </article>
</section>
<section class="card" id="patterns">
  <h2>Patterns over time</h2>
  <div class="patterns">
    ${charts.patterns.map((p) => `<figure id="pattern-${p.id}">${p.svg ?? `<div class="empty"><strong>${escape(p.title)}</strong><p>${escape(p.note ?? '')}</p></div>`}</figure>`).join('\n    ')}
  </div>
</section>
</main>
<footer>Made by <code>chartlake report</code> from the lake’s Parquet tables through DuckDB. Self-contained: no scripts, no network.</footer>
</body>
</html>
`;
}

function kpi(label: string, value: string, detail = ''): string {
  return `<div class="kpi"><div class="value">${value}</div><div class="label">${escape(label)}${detail ? ` · ${detail}` : ''}</div></div>`;
}

function latestTable(rows: LatestEntry[]): string {
  const body = rows
    .map((row) => {
      const move = movement(row);
      return `<tr><td class="rank">${row.rank}</td><td class="move ${move.kind}" title="${escape(move.title)}">${escape(move.text)}</td>
        <td class="song"><div class="name">${escape(row.track_name)}</div><div class="artist">${escape(row.artist_names)}</div></td>
        <td class="num">${compact(row.streams)}</td><td class="num">${row.peak_rank ?? '–'}</td><td class="num">${row.weeks_on_chart ?? '–'}</td></tr>`;
    })
    .join('\n');
  return `<table class="chart-table"><colgroup><col class="c-rank"><col class="c-move"><col><col class="c-num"><col class="c-num"><col class="c-num"></colgroup><thead><tr><th>#</th><th></th><th>song</th><th class="num">streams</th><th class="num">peak</th><th class="num">weeks</th></tr></thead><tbody>${body}</tbody></table>`;
}

function songList(title: string, rows: SongRow[], badge: (row: SongRow) => string, detail: (row: SongRow) => string): string {
  const items = rows
    .map((row) => `<li><span class="badge">${escape(badge(row))}</span><div><div class="name">${escape(row.song_name ?? row.track_name)}</div><div class="artist">${escape(row.artist_names)} · ${escape(detail(row))}</div></div></li>`)
    .join('');
  return `<article class="card"><h2>${escape(title)}</h2><ol class="songs">${items || '<li class="muted">none in this range</li>'}</ol></article>`;
}

function albumsList(rows: AlbumRow[]): string {
  if (rows.length === 0) {
    return `<p class="muted">No album data for this range: albums come from the Spotify Web API, and weeks imported from Charts CSV files carry none.</p>`;
  }
  const items = rows
    .slice(0, 6)
    .map((row) => `<li><span class="badge">${escape(compact(row.streams))}</span><div><div class="name">${escape(row.album)}</div><div class="artist">${escape(row.artists)} · ${row.charting_songs} charting song${row.charting_songs === 1 ? '' : 's'} · best #${row.best_rank}</div></div></li>`)
    .join('');
  return `<ol class="songs">${items}</ol>`;
}

function forecastPanel(rows: ForecastEntry[], error?: string): string {
  if (error || rows.length === 0) {
    return `<section class="card" id="next-week"><h2>Next week</h2><p class="muted">${escape(error ? `The forecasts table could not be read: ${error}` : 'No forecast for this range yet (run chartlake forecast).')}</p></section>`;
  }
  const moved = rows.filter((row) => row.predicted_rank !== null).map((row) => ({ ...row, move: row.rank - (row.predicted_rank as number) }));
  const climbers = moved.filter((row) => row.move > 0 && row.p_stay >= 0.5).sort((a, b) => b.move - a.move || a.rank - b.rank).slice(0, 6);
  const fallers = [...rows].sort((a, b) => a.p_stay - b.p_stay || a.rank - b.rank).slice(0, 6);
  const contenders = rows.filter((row) => row.rank > 10).sort((a, b) => b.p_top10 - a.p_top10).slice(0, 6);
  const list = (items: ForecastEntry[], badge: (row: ForecastEntry) => string, detail: (row: ForecastEntry) => string, kind = '') =>
    `<ol class="songs">${items.map((row) => `<li><span class="badge ${kind}">${escape(badge(row))}</span><div><div class="name">${escape(row.track_name)}</div><div class="artist">${escape(row.artist_names)} · ${escape(detail(row))}</div></div></li>`).join('') || '<li class="muted">none</li>'}</ol>`;
  const first = rows[0];
  return `<section class="card" id="next-week">
  <h2>Next week <span class="muted">forecast for ${escape(first.target_week)} from ${escape(first.origin_week)}${first.model ? ` · ${escape(first.model)}` : ''}</span></h2>
  <div class="grid three inner">
    <div><h3>Predicted climbers</h3>${list(climbers, (r) => `#${r.rank} → ${Math.round(r.predicted_rank as number)}`, (r) => `stays ${percent(r.p_stay)}`)}</div>
    <div><h3>Likely to drop out</h3>${list(fallers, (r) => `#${r.rank}`, (r) => `stays ${percent(r.p_stay)}`, 'warn')}</div>
    <div><h3>Knocking on the top 10</h3>${list(contenders, (r) => `#${r.rank}`, (r) => `top 10: ${percent(r.p_top10)}`)}</div>
  </div>
</section>`;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f4f5f4;color:${THEME.ink};font:14px/1.45 ${THEME.font}}
header{background:linear-gradient(135deg,#121212 0%,#1e3a2a 100%);color:#fff;padding:28px 40px 24px}
.brand{font-weight:700;letter-spacing:.02em;color:${THEME.accent};display:flex;align-items:center;gap:8px}
.dot{width:12px;height:12px;border-radius:50%;background:${THEME.accent};display:inline-block}
h1{margin:6px 0 2px;font-size:28px;font-weight:700}
.sub{margin:0;color:#b3b3b3}
.kpis{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:14px;margin-top:20px}
.kpi{background:rgba(255,255,255,.07);border-radius:10px;padding:12px 16px;min-width:0}
.kpi .value{font-size:21px;font-weight:700;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.kpi .label{color:#b3b3b3;font-size:12px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
main{padding:20px 40px;display:flex;flex-direction:column;gap:18px}
.grid{display:grid;gap:18px}
.grid.two{grid-template-columns:minmax(0,7fr) minmax(0,5fr)}
.grid.halves{grid-template-columns:repeat(2,minmax(0,1fr))}
.stack{display:flex;flex-direction:column;gap:18px;min-width:0}
.grid.three{grid-template-columns:repeat(3,minmax(0,1fr))}
.grid.one{grid-template-columns:1fr}
.grid.inner{gap:24px}
.card{background:#fff;border-radius:12px;padding:18px 20px;box-shadow:0 1px 2px rgba(0,0,0,.06);min-width:0}
.card.chart{overflow-x:auto}
.card svg{max-width:100%;height:auto}
h2{font-size:16px;margin:0 0 12px}
h3{font-size:13px;margin:0 0 8px;color:${THEME.muted};font-weight:600;text-transform:uppercase;letter-spacing:.04em}
.muted{color:${THEME.muted};font-weight:400}
table.chart-table{width:100%;border-collapse:collapse;table-layout:fixed}
.chart-table col.c-rank{width:30px}.chart-table col.c-move{width:52px}.chart-table col.c-num{width:68px}
td.song{overflow:hidden}
.chart-table th{font-size:11px;text-transform:uppercase;color:${THEME.muted};font-weight:600;text-align:left;padding:4px 6px;border-bottom:1px solid #eee}
.chart-table td{padding:4px 6px;border-bottom:1px solid #f1f1f1;vertical-align:middle}
.num{text-align:right;font-variant-numeric:tabular-nums}
td.rank{font-weight:700;width:28px;text-align:right;color:${THEME.ink}}
td.move{font-size:12px;font-weight:600;text-align:center;white-space:nowrap}
.move.up{color:#16a34a}.move.down{color:#dc2626}.move.same{color:#9ca3af}
.move.new{color:#fff;background:${THEME.accent};border-radius:4px;font-size:10px}
.move.re{color:#fff;background:#3b82f6;border-radius:4px;font-size:10px}
.name{font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.artist{color:${THEME.muted};font-size:12px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
ol.songs{list-style:none;margin:0;padding:0}
ol.songs li{display:flex;gap:10px;align-items:center;padding:6px 0;border-bottom:1px solid #f3f3f3;min-width:0}
ol.songs li>div{min-width:0}
.badge{flex:none;min-width:84px;text-align:center;font-size:11px;font-weight:700;background:#ecfdf3;color:#15803d;border-radius:6px;padding:3px 6px}
.badge.warn{background:#fef2f2;color:#b91c1c}
.patterns{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:10px 18px}
figure{margin:0;min-width:0}
.empty{height:100%;min-height:150px;border:1px dashed #ddd;border-radius:10px;padding:14px;color:${THEME.muted}}
.empty strong{color:${THEME.ink};font-size:12.5px}
footer{padding:8px 40px 28px;color:${THEME.muted};font-size:12px}
`;
