import { THEME } from './charts';
import type { Explorer, MonthTop } from './explore';
import { TIMELINE_CSS } from './timeline-svg';
import type { AlbumRow, ForecastEntry, ForecastSkill, LatestEntry, ReportData, SongRow, SongwriterRow } from './types';
import { monthName, readable } from './units';

import { escape } from './escape';
export { escape };

const number = (value: unknown) => (typeof value === 'number' ? value.toLocaleString('en-US') : '–');
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

/** Links of one page to the others: `prefix` is the way back to the report's folder ('' or '../'). */
export interface Links {
  prefix: string;
  explorer: Explorer;
}

/** A song's name, linked to its page when it has one. */
export function songLink(links: Links, songId: string | undefined, name: unknown): string {
  const href = songId ? links.explorer.songHref.get(songId) : undefined;
  return href ? `<a href="${escape(links.prefix + href)}">${escape(name)}</a>` : escape(name);
}

/** Artist names ("A, B"), each linked to its page when it has one; `known` is the song's credited artists. */
export function artistLinks(links: Links, names: string | null | undefined, known: readonly string[] = []): string {
  const text = names ?? '';
  // The credited names with a page, longest first, so "Tyler, The Creator" stays one name and "Drake Bell" is not "Drake".
  const linked = (known.length > 0 ? known : text.split(', ')).filter((artist) => links.explorer.artistHref.has(artist)).sort((a, b) => b.length - a.length);
  let html = '';
  let plain = '';
  for (let at = 0; at < text.length; ) {
    const artist = linked.find((name) => text.startsWith(name, at) && (at === 0 || text.startsWith(', ', at - 2)) && (at + name.length === text.length || text.startsWith(', ', at + name.length)));
    if (artist) {
      html += `${escape(plain)}<a href="${escape(links.prefix + links.explorer.artistHref.get(artist)!)}">${escape(artist)}</a>`;
      plain = '';
      at += artist.length;
    } else {
      plain += text[at];
      at += 1;
    }
  }
  return html + escape(plain);
}

/** The range a panel covers, said in its heading. */
export const covers = (from: string, to: string) => `<span class="muted range">${escape(from)} → ${escape(to)}</span>`;

/** Every page's frame: one stylesheet inline, a content policy that allows no network at all. */
export function shell(title: string, prefix: string, header: string, main: string, script = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:${script ? "; script-src 'unsafe-inline'" : ''}">
<title>${escape(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <div class="brand"><span class="dot"></span><a href="${prefix}index.html">chartlake</a></div>
${header}
</header>
<main>
${main}
</main>
<footer>Made by <code>chartlake report</code> from the lake’s Parquet tables through DuckDB. Self-contained: opens from disk, no network.</footer>
${script ? `<script>${script}</script>` : ''}
</body>
</html>
`;
}

export function renderPage(data: ReportData, charts: PageCharts, explorer: Explorer, months: MonthTop[], generatedAt: Date): string {
  const { range, span, latest } = data;
  const links: Links = { prefix: '', explorer };
  const week = latest[0]?.week ?? range.to_week;
  const numberOne = latest[0];
  const whole = covers(range.from_week, range.to_week);
  const title = `chartlake · ${range.chart} · ${range.from_week} → ${range.to_week}`;
  const header = `  <h1>${escape(range.chart)}</h1>
  <p class="sub">${escape(range.from_week)} → ${escape(range.to_week)} · ${span.weeks} weeks · generated ${escape(generatedAt.toISOString().slice(0, 16).replace('T', ' '))} UTC</p>
  <div class="kpis">
    ${kpi('weeks', String(span.weeks))}
    ${kpi('songs charted', number(span.songs))}
    ${kpi('streams in the charts', readable(span.streams))}
    ${kpi(`number 1 on ${week}`, songLink(links, numberOne?.song_id, numberOne?.track_name ?? '–'), artistLinks(links, numberOne?.artist_names ?? ''))}
  </div>
  ${searchBox(explorer)}`;
  const main = `<section class="grid two">
  <article class="card" id="latest-chart">
    <h2>This week’s chart <span class="muted">${escape(week)} · top 20</span></h2>
    ${latestTable(links, latest)}
  </article>
  <div class="stack" id="trending">
    ${songList(links, 'Biggest climbers', `week of ${data.climbers[0]?.week ?? week}`, data.climbers.slice(0, 5), (s) => `▲ ${s.places_gained} to #${s.rank}`, (s) => String(s.week))}
    ${songList(links, 'Strongest debuts', `${range.from_week} → ${range.to_week}`, data.newEntries.slice(0, 5), (s) => `#${s.debut_rank}`, (s) => `debut ${s.debut_week}`)}
  </div>
</section>
<section class="grid one">
  <article class="card chart" id="rank-over-time">${charts.rankOverTime}<p class="note">${whole} · lines are straight between chart weeks; a tick marks each chart week.</p></article>
</section>
${data.forecast ? forecastPanel(links, data.forecast) : ''}
<section class="grid halves" id="period">
  <article class="card" id="top-songs"><h2>Top songs of the range ${whole}</h2>${topSongsTable(links, explorer)}</article>
  <article class="card" id="top-artists-table"><h2>Top artists of the range ${whole}</h2>${topArtistsTable(links, explorer)}</article>
</section>
<section class="card" id="by-month">
  <h2>How the top changed, month by month ${whole}</h2>
  ${monthsTable(links, months)}
</section>
<section class="grid halves">
  <article class="card chart" id="top-artists">${charts.artists}<p class="note">${whole}</p></article>
  <article class="card chart" id="top-labels">${charts.labels}<p class="note">${whole}</p></article>
</section>
<section class="grid one">
  <article class="card chart" id="artist-share">${charts.artistShare}<p class="note">${whole}</p></article>
</section>
<section class="grid three">
  ${songList(links, 'Most streamed songs', `${range.from_week} → ${range.to_week}`, data.mostStreams.slice(0, 6), (s) => readable(s.streams as number), (s) => `best #${s.best_rank}`)}
  ${songList(links, 'Longest runs', `${range.from_week} → ${range.to_week}`, data.longestRuns.slice(0, 6), (s) => `${s.longest_run_weeks} wk`, (s) => `best #${s.best_rank}`)}
  <article class="card" id="top-albums">
    <h2>Top albums ${whole}</h2>
    ${albumsList(data.albums)}
  </article>
</section>
<section class="card" id="top-songwriters">
  <h2>Top songwriters ${whole}</h2>
  ${songwritersTable(data.songwriters)}
</section>
<section class="card" id="patterns">
  <h2>Patterns over time ${whole}</h2>
  <div class="patterns">
    ${charts.patterns.map((p) => `<figure id="pattern-${p.id}">${p.svg ?? `<div class="empty"><strong>${escape(p.title)}</strong><p>${escape(p.note ?? '')}</p></div>`}</figure>`).join('\n    ')}
  </div>
</section>`;
  return shell(title, '', header, main, SEARCH_SCRIPT);
}

function kpi(label: string, value: string, detail = ''): string {
  return `<div class="kpi"><div class="value">${value}</div><div class="label">${escape(label)}${detail ? ` · ${detail}` : ''}</div></div>`;
}

/** The search box: every song and artist with a page, filtered as one types (plain JS over an inline list). */
function searchBox(explorer: Explorer): string {
  const entries = [
    ...explorer.songs.map((song) => ({ kind: 'song', name: song.song_name, detail: song.artist_names, href: song.href })),
    ...explorer.artists.map((artist) => ({ kind: 'artist', name: artist.artist_name, detail: `${artist.songs.length} song${artist.songs.length === 1 ? '' : 's'}`, href: artist.href })),
  ];
  // JSON in a script element: "<" is escaped so no title can close the element.
  const json = JSON.stringify(entries).replace(/</g, '\\u003c');
  return `<div class="search"><input id="search" type="search" placeholder="Search ${explorer.songs.length} songs and ${explorer.artists.length} artists" autocomplete="off" aria-label="search songs and artists">
  <ul id="search-results" hidden></ul><script type="application/json" id="search-index">${json}</script></div>`;
}

const SEARCH_SCRIPT = `
(function () {
  var index = JSON.parse(document.getElementById('search-index').textContent);
  var input = document.getElementById('search');
  var list = document.getElementById('search-results');
  function fold(text) { return text.normalize('NFKD').replace(/[\\u0300-\\u036f]/g, '').toLowerCase(); }
  input.addEventListener('input', function () {
    var words = fold(input.value).split(/\\s+/).filter(Boolean);
    list.textContent = '';
    if (words.length === 0) { list.hidden = true; return; }
    var found = index.filter(function (entry) {
      var text = fold(entry.name + ' ' + entry.detail);
      return words.every(function (word) { return text.indexOf(word) >= 0; });
    }).slice(0, 12);
    found.forEach(function (entry) {
      var item = document.createElement('li');
      var link = document.createElement('a');
      link.href = entry.href;
      link.textContent = entry.name;
      var detail = document.createElement('span');
      detail.className = 'muted';
      detail.textContent = ' ' + entry.kind + ' · ' + entry.detail;
      item.appendChild(link);
      item.appendChild(detail);
      list.appendChild(item);
    });
    if (found.length === 0) { var none = document.createElement('li'); none.className = 'muted'; none.textContent = 'no song or artist of the top pages matches'; list.appendChild(none); }
    list.hidden = false;
  });
})();
`;

function latestTable(links: Links, rows: LatestEntry[]): string {
  const body = rows
    .map((row) => {
      const move = movement(row);
      return `<tr><td class="rank">${row.rank}</td><td class="move ${move.kind}" title="${escape(move.title)}">${escape(move.text)}</td>
        <td class="song"><div class="name">${songLink(links, row.song_id, row.track_name)}</div><div class="artist">${artistLinks(links, row.artist_names)}</div></td>
        <td class="num">${readable(row.streams)}</td><td class="num">${row.peak_rank ?? '–'}</td><td class="num">${row.weeks_on_chart ?? '–'}</td></tr>`;
    })
    .join('\n');
  return `<table class="chart-table"><colgroup><col class="c-rank"><col class="c-move"><col><col class="c-num"><col class="c-num"><col class="c-num"></colgroup><thead><tr><th>#</th><th></th><th>song</th><th class="num">streams</th><th class="num">peak</th><th class="num">weeks</th></tr></thead><tbody>${body}</tbody></table>`;
}

function topSongsTable(links: Links, explorer: Explorer): string {
  const rows = explorer.songs.slice(0, 15).map(
    (song) => `<tr><td class="rank">${song.position}</td><td class="song"><div class="name">${songLink(links, song.song_id, song.song_name)}</div><div class="artist">${artistLinks(links, song.artist_names, song.artists)}</div></td><td class="num">${readable(song.streams)}</td><td class="num">#${song.peak}</td><td class="num">${song.weeks}</td></tr>`,
  );
  return `<table class="chart-table"><colgroup><col class="c-rank"><col><col class="c-num"><col class="c-num"><col class="c-num"></colgroup><thead><tr><th>#</th><th>song</th><th class="num">streams</th><th class="num">peak</th><th class="num">weeks</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function topArtistsTable(links: Links, explorer: Explorer): string {
  const rows = explorer.artists.slice(0, 15).map(
    (artist) => `<tr><td class="rank">${artist.position}</td><td class="song"><div class="name"><a href="${escape(links.prefix + artist.href)}">${escape(artist.artist_name)}</a></div><div class="artist">${artist.songs.length} charting song${artist.songs.length === 1 ? '' : 's'}</div></td><td class="num">${readable(artist.streams)}</td><td class="num">#${artist.peak}</td><td class="num">${artist.weeks}</td></tr>`,
  );
  return `<table class="chart-table"><colgroup><col class="c-rank"><col><col class="c-num"><col class="c-num"><col class="c-num"></colgroup><thead><tr><th>#</th><th>artist</th><th class="num">streams</th><th class="num">best</th><th class="num">weeks</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function monthsTable(links: Links, months: MonthTop[]): string {
  if (months.length === 0) return '<p class="muted">No chart weeks in this range.</p>';
  const cards = months.map((month) => {
    const songs = month.songs.map((song) => `<li>${songLink(links, song.song_id, song.song_name)} <span class="muted">${escape(readable(song.streams))}</span></li>`).join('');
    const artists = month.artists.slice(0, 3).map((artist) => {
      const href = links.explorer.artistHref.get(artist.artist_name);
      return href ? `<a href="${escape(links.prefix + href)}">${escape(artist.artist_name)}</a>` : escape(artist.artist_name);
    });
    return `<div class="month"><h3>${escape(monthName(month.month))} <span class="muted">${month.weeks} chart week${month.weeks === 1 ? '' : 's'}</span></h3><ol class="plain numbered">${songs}</ol><p class="note">artists: ${artists.join(', ')}</p></div>`;
  });
  return `<div class="months">${cards.join('')}</div><p class="note">Each month is its chart weeks (weeks ending in that month); songs and artists by their streams in those weeks.</p>`;
}

function songList(links: Links, title: string, range: string, rows: SongRow[], badge: (row: SongRow) => string, detail: (row: SongRow) => string): string {
  const items = rows
    .map((row) => `<li><span class="badge">${escape(badge(row))}</span><div><div class="name">${songLink(links, row.song_id, row.song_name ?? row.track_name)}</div><div class="artist">${artistLinks(links, row.artist_names)} · ${escape(detail(row))}</div></div></li>`)
    .join('');
  return `<article class="card"><h2>${escape(title)} <span class="muted range">${escape(range)}</span></h2><ol class="songs">${items || '<li class="muted">none in this range</li>'}</ol></article>`;
}

function albumsList(rows: AlbumRow[]): string {
  if (rows.length === 0) {
    return `<div class="empty"><strong>No album data for this range</strong><p>Albums come from the Spotify Web API, and weeks imported from Charts CSV files carry none. Run <code>chartlake enrich</code> to fill them.</p></div>`;
  }
  const items = rows
    .slice(0, 6)
    .map((row) => `<li><span class="badge">${escape(readable(row.streams))}</span><div><div class="name">${escape(row.album)}</div><div class="artist">${escape(row.artists)} · ${row.charting_songs} charting song${row.charting_songs === 1 ? '' : 's'} · best #${row.best_rank}</div></div></li>`)
    .join('');
  return `<ol class="songs">${items}</ol>`;
}

function songwritersTable(rows: SongwriterRow[]): string {
  if (rows.length === 0) {
    return `<div class="empty"><strong>No songwriters for this range</strong><p>Who wrote a song comes from MusicBrainz, by the tracks’ ISRCs. Run <code>chartlake enrich</code> (ISRCs) and then <code>chartlake enrich --credits</code> to fill this panel and the songwriters of the song pages.</p></div>`;
  }
  const body = rows
    .slice(0, 15)
    .map((row, index) => `<tr><td class="rank">${index + 1}</td><td class="song"><div class="name">${escape(row.songwriter)}</div></td><td class="num">${readable(row.streams)}</td><td class="num">${row.charting_songs}</td><td class="num">${row.weeks_at_number_1}</td><td class="num">#${row.best_rank}</td></tr>`)
    .join('');
  const credited = rows[0]?.credited_share_pct;
  return `<table class="chart-table"><colgroup><col class="c-rank"><col><col class="c-num"><col class="c-num"><col class="c-num"><col class="c-num"></colgroup><thead><tr><th>#</th><th>songwriter</th><th class="num">streams</th><th class="num">songs</th><th class="num">wk #1</th><th class="num">best</th></tr></thead><tbody>${body}</tbody></table>
  <p class="note">A co-written song credits each writer with its full streams. ${credited === null || credited === undefined ? '' : `Songs with a known writer carry ${escape(credited)} % of the range’s streams; the rest are unknown, not guessed.`}</p>`;
}

function forecastPanel(links: Links, forecast: NonNullable<ReportData['forecast']>): string {
  const { rows, error } = forecast;
  if (error || rows.length === 0) {
    return `<section class="card" id="next-week"><h2>Next week</h2><div class="empty"><p>${escape(error ? `The forecasts table could not be read: ${error}` : 'No forecast for this range yet: run chartlake forecast.')}</p></div></section>`;
  }
  const moved = rows.filter((row) => row.predicted_rank !== null).map((row) => ({ ...row, move: row.rank - (row.predicted_rank as number) }));
  const climbers = moved.filter((row) => row.move > 0 && row.p_stay >= 0.5).sort((a, b) => b.move - a.move || a.rank - b.rank).slice(0, 6);
  const fallers = [...rows].sort((a, b) => a.p_stay - b.p_stay || a.rank - b.rank).slice(0, 6);
  const contenders = rows.filter((row) => row.rank > 10).sort((a, b) => b.p_top10 - a.p_top10).slice(0, 6);
  const tag = (row: ForecastEntry) => (row.seasonal ? ' <span class="tag" title="its chart a year earlier drove the prediction">seasonal</span>' : '');
  const list = (items: ForecastEntry[], badge: (row: ForecastEntry) => string, detail: (row: ForecastEntry) => string, kind = '') =>
    `<ol class="songs">${items.map((row) => `<li><span class="badge ${kind}">${escape(badge(row))}</span><div><div class="name">${songLink(links, row.song_id, row.track_name)}${tag(row)}</div><div class="artist">${artistLinks(links, row.artist_names)} · ${escape(detail(row))}</div></div></li>`).join('') || '<li class="muted">none</li>'}</ol>`;
  const first = rows[0];
  return `<section class="card" id="next-week">
  <h2>Next week <span class="muted">forecast for ${escape(first.target_week)} from ${escape(first.origin_week)}${first.model ? ` · ${escape(first.model)}` : ''}</span></h2>
  ${skillNote(forecast.skill ?? [])}
  <div class="grid three inner">
    <div><h3>Predicted climbers</h3>${list(climbers, (r) => `#${r.rank} → ${Math.round(r.predicted_rank as number)}`, (r) => `stays ${percent(r.p_stay)}`)}</div>
    <div><h3>Likely to drop out</h3>${list(fallers, (r) => `#${r.rank}`, (r) => `stays ${percent(r.p_stay)}`, 'warn')}</div>
    <div><h3>Knocking on the top 10</h3>${list(contenders, (r) => `#${r.rank}`, (r) => `top 10: ${percent(r.p_top10)}`)}</div>
  </div>
  ${[...climbers, ...fallers, ...contenders].some((row) => row.seasonal) ? '<p class="note"><span class="tag">seasonal</span> the song\'s chart a year earlier drove its prediction (chartlake forecast marks it so): it follows the calendar as much as its trend.</p>' : ''}
</section>`;
}

/** The backtest against persistence ("next week = this week"), so a reader knows how far to trust the panel. */
function skillNote(skill: ForecastSkill[]): string {
  if (skill.length === 0) return '<p class="note" id="forecast-skill">No backtest yet: the lake has too few weeks to test the model against persistence.</p>';
  const rows = skill.map((s) => {
    const better = s.model_rank_mae < s.persistence_rank_mae;
    return `<tr><td>${s.horizon} week${s.horizon === 1 ? '' : 's'} ahead</td><td class="num">${s.folds}</td><td>${escape(s.first_target)} → ${escape(s.last_target)}</td><td class="num">${s.model_rank_mae.toFixed(2)}</td><td class="num">${s.persistence_rank_mae.toFixed(2)}</td><td class="num">${s.model_brier_top10.toFixed(4)}</td><td class="num">${s.persistence_brier_top10.toFixed(4)}</td><td>${better ? 'beats persistence' : '<strong>does not beat persistence</strong>'}</td></tr>`;
  });
  return `<table class="chart-table skill" id="forecast-skill"><thead><tr><th>backtest</th><th class="num">weeks</th><th>predicted weeks</th><th class="num">rank error, model</th><th class="num">rank error, persistence</th><th class="num">top-10 Brier, model</th><th class="num">top-10 Brier, persistence</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export const CSS = `
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
a{color:inherit;text-decoration:none;border-bottom:1px solid rgba(29,185,84,.45)}
a:hover{color:#15803d}
.brand a{border:0;color:${THEME.accent}}
header a{color:#fff}
.range{font-size:12px;margin-left:6px}
.note{color:${THEME.muted};font-size:12px;margin:8px 0 0}
.search{position:relative;margin-top:16px;max-width:520px}
.search input{width:100%;padding:9px 12px;border-radius:8px;border:0;font:inherit}
#search-results{position:absolute;z-index:5;left:0;right:0;background:#fff;color:${THEME.ink};list-style:none;margin:4px 0 0;padding:6px 0;border-radius:8px;box-shadow:0 6px 24px rgba(0,0,0,.25)}
#search-results li{padding:5px 12px}
#search-results a{color:${THEME.ink}}
.months{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:12px 20px}
.month{min-width:0;font-size:12.5px}
.month h3{text-transform:none;letter-spacing:0;color:${THEME.ink};margin-bottom:4px}
ol.numbered{list-style:decimal inside}
ol.plain{margin:0;padding:0;list-style:none}
ol.plain li{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.tag{font-size:10px;font-weight:700;background:#fef3c7;color:#92400e;border-radius:4px;padding:1px 5px;margin-left:4px}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:10px}
dl.facts div{background:#f7f7f7;border-radius:8px;padding:8px 12px}
dl.facts dt{font-size:11px;color:${THEME.muted};text-transform:uppercase}
dl.facts dd{margin:0;font-weight:700;font-size:16px}
ul.plain-list{margin:0;padding-left:18px}
ul.plain-list li{padding:2px 0}
${TIMELINE_CSS}
`;
