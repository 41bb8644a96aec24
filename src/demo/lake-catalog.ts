/**
 * A demo catalog built from the chart weeks of a lake (`chartlake spotify-server --from-lake`): the real track
 * ids, names, labels and chart rows of imported CSVs, with what a CSV lacks made up deterministically from the
 * ids: albums (a lead artist's charting tracks grouped in threes, released before their first chart week),
 * durations, explicit flags, ISRCs, artist ids. Artists come from the CSV's `artist_names`, split at ", " except
 * inside names known to hold one (src/sources/artist-names.ts), so "Tyler, The Creator" is one artist with one
 * id on every track. Where a raw object names artist ids (charts service), those are used.
 */
import type { LakeWeek } from '../extract';
import { splitArtistNames } from '../sources';
import type { DemoAlbum, DemoArtist, DemoCatalog, DemoChartEntry, DemoChartWeek, DemoTrack, EntryStatus } from './catalog-types';
import { addDays } from './catalog';
import { hash32, Prng } from './prng';

const GENRES = ['pop', 'hip hop', 'rap', 'r&b', 'country', 'latin', 'rock', 'dance pop', 'indie', 'reggaeton'];
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function buildLakeCatalog(weeks: readonly LakeWeek[]): DemoCatalog {
  const artists = new Map<string, DemoArtist>();
  const tracks = new Map<string, DemoTrack>();
  const firstWeek = new Map<string, string>();
  const labelOf = new Map<string, string>();
  const charts = new Map<string, DemoChartWeek[]>();
  const ordered = [...weeks].sort((a, b) => a.week.localeCompare(b.week) || a.chart.localeCompare(b.chart));

  const artistId = (name: string, given: string | undefined): string => {
    const id = given && /^[0-9A-Za-z]{22}$/.test(given) ? given : new Prng(hash32(`artist:${name}`)).spotifyId();
    if (!artists.has(id)) {
      const rng = new Prng(hash32(`artist-stats:${id}`));
      artists.set(id, {
        id,
        name,
        genres: [rng.pick(GENRES), rng.pick(GENRES)].filter((g, i, all) => all.indexOf(g) === i),
        followers: Math.round(50_000 * rng.logNormal(2, 1.2)),
        popularity: rng.int(55, 100),
      });
    }
    return id;
  };

  for (const week of ordered) {
    const chartWeeks = charts.get(week.chart) ?? [];
    charts.set(week.chart, chartWeeks);
    chartWeeks.push({ alias: week.chart, date: week.week, entries: week.entries.map((entry) => chartEntry(entry, week.week)) });
    for (const entry of week.entries) {
      if (tracks.has(entry.trackId)) continue;
      const credited = entry.artists ?? splitArtistNames(entry.artistNames).map((name) => ({ id: undefined, name }));
      const ids = credited.map((artist) => artistId(artist.name, artist.id));
      const rng = new Prng(hash32(`track:${entry.trackId}`));
      firstWeek.set(entry.trackId, week.week);
      if (entry.label) labelOf.set(entry.trackId, entry.label);
      tracks.set(entry.trackId, {
        id: entry.trackId,
        name: entry.trackName,
        albumId: '',
        artistIds: ids.length > 0 ? ids : [artistId('Unknown Artist', undefined)],
        durationMs: rng.int(120_000, 260_000),
        explicit: rng.chance(0.35),
        trackNumber: 1,
        discNumber: 1,
        isrc: isrcOf(entry.trackId, week.week),
        popularity: rng.int(40, 100),
        songWriters: [],
        producers: [],
      });
    }
  }

  // Albums: each lead artist's tracks, in order of their first chart week, three to an album.
  const byLead = new Map<string, DemoTrack[]>();
  for (const track of tracks.values()) {
    const list = byLead.get(track.artistIds[0]) ?? [];
    list.push(track);
    byLead.set(track.artistIds[0], list);
  }
  const albums = new Map<string, DemoAlbum>();
  for (const [lead, list] of byLead) {
    for (let start = 0; start < list.length; start += 3) {
      const group = list.slice(start, start + 3);
      const id = new Prng(hash32(`album:${group[0].id}`)).spotifyId();
      const rng = new Prng(hash32(`album-stats:${id}`));
      const earliest = group.map((t) => firstWeek.get(t.id) ?? '2000-01-06').sort()[0];
      group.forEach((track, i) => {
        track.albumId = id;
        track.trackNumber = i + 1;
      });
      albums.set(id, {
        id,
        name: group.length === 1 ? group[0].name : `${artists.get(lead)?.name ?? 'Untitled'} ${romanOf(start / 3 + 1)}`,
        albumType: group.length === 1 ? 'single' : 'album',
        artistIds: [lead],
        // Released on a Friday one to 60 weeks before the first chart week of its tracks.
        releaseDate: addDays(earliest, -6 - 7 * rng.int(0, 59)),
        releaseDatePrecision: 'day',
        label: labelOf.get(group[0].id) ?? 'Independent',
        trackIds: group.map((t) => t.id),
        upc: `${rng.int(1, 8)}${rng.digits(11)}`,
        popularity: rng.int(40, 100),
      });
    }
  }

  return {
    seed: 0,
    weeks: [...new Set(ordered.map((w) => w.week))].sort(),
    artists,
    albums,
    tracks,
    charts,
    playlists: new Map(),
    // A lake's weeks are what they are: the server does not simulate weeks past them.
    extendTo: () => undefined,
  };
}

/** `US` + a 3-character registrant + the 2-digit year + 5 digits: the ISRC format, fixed by the track id. */
export function isrcOf(trackId: string, week: string): string {
  const rng = new Prng(hash32(`isrc:${trackId}`));
  const registrant = Array.from({ length: 3 }, () => rng.pick([...ALPHANUMERIC])).join('');
  return `US${registrant}${week.slice(2, 4)}${rng.digits(5)}`;
}

function chartEntry(entry: LakeWeek['entries'][number], week: string): DemoChartEntry {
  const previous = entry.previousRank ?? -1;
  const weeksOn = entry.weeksOnChart ?? 1;
  const status: EntryStatus =
    previous < 0 ? (weeksOn > 1 ? 'RE_ENTRY' : 'NEW_ENTRY') : entry.rank < previous ? 'MOVED_UP' : entry.rank > previous ? 'MOVED_DOWN' : 'NO_CHANGE';
  return {
    rank: entry.rank,
    trackId: entry.trackId,
    streams: entry.streams ?? 0,
    previousRank: previous,
    peakRank: entry.peakRank ?? entry.rank,
    peakDate: week,
    appearancesOnChart: weeksOn,
    consecutiveAppearancesOnChart: weeksOn,
    entryStatus: status,
    entryRank: entry.rank,
    entryDate: week,
  };
}

function romanOf(n: number): string {
  const numerals: [number, string][] = [[10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];
  let out = '';
  for (const [value, numeral] of numerals) while (n >= value) (out += numeral), (n -= value);
  return out;
}
