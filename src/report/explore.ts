import type { ChartWeek, SongArtistRow, SongWeek, SongWriterRow } from './types';

/** One week of a song's or an artist's timeline: on the chart, off it, or not shown (the chart was too shallow to tell). */
export interface TimelinePoint {
  week: string;
  state: 'on' | 'off' | 'not-shown';
  rank: number | null;
  streams: number | null;
}

export interface Run {
  first_week: string;
  last_week: string;
  weeks: number;
}

export interface SongProfile {
  song_id: string;
  song_name: string;
  artist_names: string;
  /** The page of the song, relative to the report's folder. */
  href: string;
  position: number;
  streams: number;
  weeks: number;
  peak: number;
  weeks_at_peak: number;
  first_week: string;
  last_week: string;
  runs: Run[];
  timeline: TimelinePoint[];
  artists: string[];
  writers: SongWriterRow[];
  track_ids: string[];
}

export interface ArtistProfile {
  artist_name: string;
  href: string;
  position: number;
  streams: number;
  weeks: number;
  peak: number;
  songs: { song_id: string; song_name: string; artist_names: string; streams: number; peak: number; weeks: number }[];
  collaborators: { artist_name: string; songs: number }[];
  timeline: TimelinePoint[];
}

/** The songs and artists that get pages: the range's top N of each by streams, and how to reach them. */
export interface Explorer {
  weeks: ChartWeek[];
  songs: SongProfile[];
  artists: ArtistProfile[];
  songHref: Map<string, string>;
  artistHref: Map<string, string>;
}

/** A file name that is the same on every file system (lower case, ASCII), made unique by the position. */
export function pageSlug(position: number, name: string): string {
  const words = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 48);
  return `${String(position).padStart(3, '0')}${words ? `-${words}` : ''}`;
}

/**
 * Where a song (or artist) stood each chart week. A week it is missing from counts as "off" only when that week's
 * chart was as deep as the deepest chart of the range; in a shallower week (50 entries where others have 200) it is
 * "not shown": the song may have been at 120, so it is neither a drop-out nor the end of a run.
 */
export function timeline(weeks: readonly ChartWeek[], entries: ReadonlyMap<string, { rank: number; streams: number | null }>): TimelinePoint[] {
  const fullDepth = Math.max(0, ...weeks.map((week) => week.depth));
  return weeks.map((week) => {
    const entry = entries.get(week.week);
    if (entry) return { week: week.week, state: 'on', rank: entry.rank, streams: entry.streams };
    return { week: week.week, state: week.depth >= fullDepth ? 'off' : 'not-shown', rank: null, streams: null };
  });
}

/** Unbroken runs of chart weeks: a "not shown" week neither breaks a run nor counts in it. */
export function runsOf(points: readonly TimelinePoint[]): Run[] {
  const runs: Run[] = [];
  let current: Run | undefined;
  for (const point of points) {
    if (point.state === 'on') {
      if (current) {
        current.last_week = point.week;
        current.weeks += 1;
      } else {
        current = { first_week: point.week, last_week: point.week, weeks: 1 };
        runs.push(current);
      }
    } else if (point.state === 'off') {
      current = undefined;
    }
  }
  return runs;
}

const byStreams = <T extends { streams: number; peak: number; weeks: number }>(a: T, b: T) => b.streams - a.streams || b.weeks - a.weeks || a.peak - b.peak;

/** Builds the profiles of the range's top `top` songs and artists from the song weeks the report read. */
export function buildExplorer(weeks: readonly ChartWeek[], songWeeks: readonly SongWeek[], songArtists: readonly SongArtistRow[], writers: readonly SongWriterRow[], top: number): Explorer {
  const bySong = new Map<string, SongWeek[]>();
  for (const row of songWeeks) bySong.set(row.song_id, [...(bySong.get(row.song_id) ?? []), row]);
  const artistsOf = new Map<string, string[]>();
  for (const row of songArtists) artistsOf.set(row.song_id, [...(artistsOf.get(row.song_id) ?? []), row.artist_name]);
  const writersOf = new Map<string, SongWriterRow[]>();
  for (const row of writers) writersOf.set(row.song_id, [...(writersOf.get(row.song_id) ?? []), row]);

  const summaries = [...bySong.entries()].map(([song_id, rows]) => {
    const newest = rows.reduce((a, b) => (b.week > a.week ? b : a));
    return {
      song_id,
      song_name: newest.song_name ?? song_id,
      artist_names: newest.artist_names ?? '',
      rows,
      streams: rows.reduce((sum, row) => sum + (row.streams ?? 0), 0),
      weeks: rows.length,
      peak: Math.min(...rows.map((row) => row.rank)),
    };
  });
  summaries.sort(byStreams);

  const songs: SongProfile[] = summaries.slice(0, top).map((summary, index) => {
    const points = timeline(weeks, new Map(summary.rows.map((row) => [row.week, row])));
    const sorted = [...summary.rows].sort((a, b) => a.week.localeCompare(b.week));
    return {
      song_id: summary.song_id,
      song_name: summary.song_name,
      artist_names: summary.artist_names,
      href: `songs/${pageSlug(index + 1, summary.song_name)}.html`,
      position: index + 1,
      streams: summary.streams,
      weeks: summary.weeks,
      peak: summary.peak,
      weeks_at_peak: summary.rows.filter((row) => row.rank === summary.peak).length,
      first_week: sorted[0].week,
      last_week: sorted[sorted.length - 1].week,
      runs: runsOf(points),
      timeline: points,
      artists: artistsOf.get(summary.song_id) ?? [],
      writers: writersOf.get(summary.song_id) ?? [],
      track_ids: [...new Set(summary.rows.flatMap((row) => (row.track_ids ?? '').split(', ').filter(Boolean)))].sort(),
    };
  });

  // Artists: each credited artist of a song gets the song's full streams (as top-artists does).
  const songsOfArtist = new Map<string, typeof summaries>();
  for (const summary of summaries) {
    for (const artist of artistsOf.get(summary.song_id) ?? []) songsOfArtist.set(artist, [...(songsOfArtist.get(artist) ?? []), summary]);
  }
  const artistSummaries = [...songsOfArtist.entries()].map(([artist_name, own]) => {
    const perWeek = new Map<string, { rank: number; streams: number | null }>();
    for (const row of own.flatMap((song) => song.rows)) {
      const seen = perWeek.get(row.week);
      perWeek.set(row.week, { rank: Math.min(seen?.rank ?? Infinity, row.rank), streams: (seen?.streams ?? 0) + (row.streams ?? 0) });
    }
    return { artist_name, own, perWeek, streams: own.reduce((sum, song) => sum + song.streams, 0), weeks: perWeek.size, peak: Math.min(...own.map((song) => song.peak)) };
  });
  artistSummaries.sort((a, b) => byStreams(a, b) || a.artist_name.localeCompare(b.artist_name));
  const artists: ArtistProfile[] = artistSummaries.slice(0, top).map((summary, index) => {
    const collaborators = new Map<string, number>();
    for (const song of summary.own) {
      for (const other of artistsOf.get(song.song_id) ?? []) if (other !== summary.artist_name) collaborators.set(other, (collaborators.get(other) ?? 0) + 1);
    }
    return {
      artist_name: summary.artist_name,
      href: `artists/${pageSlug(index + 1, summary.artist_name)}.html`,
      position: index + 1,
      streams: summary.streams,
      weeks: summary.weeks,
      peak: summary.peak,
      songs: summary.own.map(({ song_id, song_name, artist_names, streams, peak, weeks: count }) => ({ song_id, song_name, artist_names, streams, peak, weeks: count })),
      collaborators: [...collaborators.entries()].map(([artist_name, count]) => ({ artist_name, songs: count })).sort((a, b) => b.songs - a.songs || a.artist_name.localeCompare(b.artist_name)),
      timeline: timeline(weeks, summary.perWeek),
    };
  });
  return {
    weeks: [...weeks],
    songs,
    artists,
    songHref: new Map(songs.map((song) => [song.song_id, song.href])),
    artistHref: new Map(artists.map((artist) => [artist.artist_name, artist.href])),
  };
}

export interface MonthTop {
  month: string;
  weeks: number;
  songs: { song_id: string; song_name: string; artist_names: string; streams: number }[];
  artists: { artist_name: string; streams: number }[];
}

/** How the top changed month by month: each calendar month's (by chart week) top songs and artists by streams. */
export function monthlyTop(songWeeks: readonly SongWeek[], songArtists: readonly SongArtistRow[], size = 5): MonthTop[] {
  const artistsOf = new Map<string, string[]>();
  for (const row of songArtists) artistsOf.set(row.song_id, [...(artistsOf.get(row.song_id) ?? []), row.artist_name]);
  const months = new Map<string, { weeks: Set<string>; songs: Map<string, { song_id: string; song_name: string; artist_names: string; streams: number }>; artists: Map<string, number> }>();
  for (const row of songWeeks) {
    const key = row.week.slice(0, 7);
    const month = months.get(key) ?? { weeks: new Set(), songs: new Map(), artists: new Map() };
    months.set(key, month);
    month.weeks.add(row.week);
    const song = month.songs.get(row.song_id) ?? { song_id: row.song_id, song_name: row.song_name ?? row.song_id, artist_names: row.artist_names ?? '', streams: 0 };
    song.streams += row.streams ?? 0;
    month.songs.set(row.song_id, song);
    for (const artist of artistsOf.get(row.song_id) ?? []) month.artists.set(artist, (month.artists.get(artist) ?? 0) + (row.streams ?? 0));
  }
  return [...months.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, value]) => ({
      month,
      weeks: value.weeks.size,
      songs: [...value.songs.values()].sort((a, b) => b.streams - a.streams || a.song_name.localeCompare(b.song_name)).slice(0, size),
      artists: [...value.artists.entries()].map(([artist_name, streams]) => ({ artist_name, streams })).sort((a, b) => b.streams - a.streams || a.artist_name.localeCompare(b.artist_name)).slice(0, size),
    }));
}
