import { escape } from './escape';
import type { ArtistProfile, Run, SongProfile } from './explore';
import { artistLinks, covers, shell, songLink, type Links } from './page';
import { timelineSvg } from './timeline-svg';
import type { ReportRange } from './types';
import { readable } from './units';

const fact = (label: string, value: string) => `<div><dt>${escape(label)}</dt><dd>${value}</dd></div>`;
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function runsTable(runs: Run[]): string {
  const rows = runs.map((run) => `<tr><td>${escape(run.first_week)}</td><td>${escape(run.last_week)}</td><td class="num">${run.weeks}</td></tr>`).join('');
  return `<table class="chart-table"><thead><tr><th>from</th><th>to</th><th class="num">weeks</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function pageHeader(kind: string, name: string, detail: string, range: ReportRange): string {
  return `  <p class="sub"><a href="../index.html">${escape(range.chart)} · ${escape(range.from_week)} → ${escape(range.to_week)}</a> · ${escape(kind)}</p>
  <h1>${escape(name)}</h1>
  <p class="sub">${detail}</p>`;
}

/** A song's page: its rank and streams week by week, its runs, artists, songwriters and track ids. */
export function renderSongPage(song: SongProfile, range: ReportRange, links: Links, depth: number): string {
  const whole = covers(range.from_week, range.to_week);
  const writers = song.writers.length
    ? `<ul class="plain-list">${song.writers.map((writer) => `<li>${escape(writer.person_name)} <span class="muted">${escape(writer.roles)}</span></li>`).join('')}</ul>`
    : '<div class="empty"><p>No songwriters known for this song. Run <code>chartlake enrich</code> and <code>chartlake enrich --credits</code> to look them up in MusicBrainz; a song without a match stays unknown, never guessed.</p></div>';
  const artists = song.artists.length
    ? `<ul class="plain-list">${song.artists.map((artist) => `<li>${artistLinks(links, artist, [artist])}</li>`).join('')}</ul>`
    : `<p>${artistLinks(links, song.artist_names)}</p>`;
  const main = `<section class="card" id="facts"><h2>In the range ${whole}</h2><dl class="facts">
  ${fact('streams', escape(readable(song.streams)))}
  ${fact('weeks on the chart', String(song.weeks))}
  ${fact('peak', `#${song.peak}`)}
  ${fact('weeks at peak', String(song.weeks_at_peak))}
  ${fact('runs', String(song.runs.length))}
  ${fact('first / last week', `${escape(song.first_week)}<br>${escape(song.last_week)}`)}
</dl></section>
<section class="card chart" id="timeline">${timelineSvg(`Rank and streams, week by week`, song.timeline, depth)}<p class="note">${whole} · shaded weeks had a shorter chart: the song was not shown, which is not a drop-out.</p></section>
<section class="grid three">
  <article class="card" id="runs"><h2>Runs on the chart ${whole}</h2>${runsTable(song.runs)}</article>
  <article class="card" id="artists"><h2>Artists</h2>${artists}</article>
  <article class="card" id="songwriters"><h2>Songwriters</h2>${writers}</article>
</section>
<section class="card" id="track-ids"><h2>Track ids <span class="muted range">counted as one song</span></h2><p>${song.track_ids.map((id) => `<code>${escape(id)}</code>`).join(' ')}</p></section>`;
  return shell(`${song.song_name} · chartlake`, '../', pageHeader('song', song.song_name, `${artistLinks(links, song.artist_names, song.artists)} · #${song.position} of the range by streams`, range), main);
}

/** An artist's page: rank (best of their songs) and streams over the weeks, their songs and collaborators. */
export function renderArtistPage(artist: ArtistProfile, range: ReportRange, links: Links, depth: number): string {
  const whole = covers(range.from_week, range.to_week);
  const songs = artist.songs
    .map((song) => `<tr><td class="song"><div class="name">${songLink(links, song.song_id, song.song_name)}</div><div class="artist">${artistLinks(links, song.artist_names)}</div></td><td class="num">${readable(song.streams)}</td><td class="num">#${song.peak}</td><td class="num">${song.weeks}</td></tr>`)
    .join('');
  const collaborators = artist.collaborators.length
    ? `<ul class="plain-list">${artist.collaborators.map((other) => `<li>${artistLinks(links, other.artist_name, [other.artist_name])} <span class="muted">${plural(other.songs, 'song')}</span></li>`).join('')}</ul>`
    : '<p class="muted">No collaborations on the chart in this range.</p>';
  const main = `<section class="card" id="facts"><h2>In the range ${whole}</h2><dl class="facts">
  ${fact('streams', escape(readable(artist.streams)))}
  ${fact('charting songs', String(artist.songs.length))}
  ${fact('weeks on the chart', String(artist.weeks))}
  ${fact('best rank', `#${artist.peak}`)}
</dl></section>
<section class="card chart" id="timeline">${timelineSvg('Best rank and streams of their songs, week by week', artist.timeline, depth)}<p class="note">${whole} · each credited artist of a song gets its full streams.</p></section>
<section class="grid two">
  <article class="card" id="songs"><h2>Songs ${whole}</h2><table class="chart-table"><colgroup><col><col class="c-num"><col class="c-num"><col class="c-num"></colgroup><thead><tr><th>song</th><th class="num">streams</th><th class="num">peak</th><th class="num">weeks</th></tr></thead><tbody>${songs}</tbody></table></article>
  <article class="card" id="collaborators"><h2>Collaborators ${whole}</h2>${collaborators}</article>
</section>`;
  return shell(`${artist.artist_name} · chartlake`, '../', pageHeader('artist', artist.artist_name, `#${artist.position} of the range by streams · ${plural(artist.songs.length, 'charting song')}`, range), main);
}
