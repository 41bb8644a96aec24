/**
 * A deterministic, realistic demo catalog: invented artists, albums and tracks plus a weekly global Top 200
 * whose dynamics resemble the real one (debuts, some at #1; climbers; long runs; decay; drop-outs and
 * re-entries, e.g. seasonal songs every December). The same options always give the same catalog.
 *
 * How the chart is made: every "chart candidate" track has a popularity curve (strength × rise × decay,
 * optional revival or seasonal bump) times weekly noise; each week the 200 highest scores make the chart.
 * The simulation starts a year before the first published week so the first chart already has history.
 */
import { Prng } from './prng';
import { GENRE_FAMILIES, MAJOR_DISTRIBUTORS, albumTitle, artistName, labelName, personName, songTitle } from './names';
import type {
  DemoAlbum,
  DemoArtist,
  DemoCatalog,
  DemoChartEntry,
  DemoChartWeek,
  DemoPlaylist,
  DemoTrack,
  EntryStatus,
} from './catalog-types';

export type * from './catalog-types';

export interface DemoCatalogOptions {
  seed?: number;
  /** Number of published chart weeks (default 104). */
  weeks?: number;
  /** Entries per weekly chart (default 200). */
  chartSize?: number;
  /** The last chart date, a Thursday `YYYY-MM-DD` (default 2026-11-19). */
  endWeek?: string;
}

export const DEMO_SEED = 20261119;
export const DEMO_END_WEEK = '2026-11-19';
export const GLOBAL_WEEKLY_ALIAS = 'regional-global-weekly';
/** "Top 50 - Global", a Spotify-owned editorial playlist. */
export const TOP_50_GLOBAL_PLAYLIST_ID = '37i9dQZEVXbMDoHDwVN2tF';

const ARTIST_COUNT = 660;
const WARMUP_WEEKS = 52;
const CLASSIC_ALBUMS = 24;

interface Candidate {
  trackId: string;
  debut: number;
  strength: number;
  riseWeeks: number;
  halfLife: number;
  seasonal: boolean;
  revival?: { week: number; strength: number; halfLife: number };
}

interface History {
  appearances: number;
  consecutive: number;
  lastWeek: number;
  lastRank: number;
  peakRank: number;
  peakDate: string;
  entryRank: number;
  entryDate: string;
}

export function buildDemoCatalog(options: DemoCatalogOptions = {}): DemoCatalog {
  const seed = options.seed ?? DEMO_SEED;
  const weeks = options.weeks ?? 104;
  const chartSize = options.chartSize ?? 200;
  const endWeek = options.endWeek ?? DEMO_END_WEEK;
  if (!isThursday(endWeek)) throw new Error(`endWeek ${endWeek} is not a Thursday (chart dates are Thursdays)`);
  if (!Number.isInteger(weeks) || weeks < 1) throw new Error(`weeks must be a positive integer, got ${weeks}`);

  // Reassigned once: weeks simulated after `endWeek` draw from their own stream (see extendTo below).
  let rng = new Prng(seed);
  const totalWeeks = weeks + WARMUP_WEEKS;
  const dates = Array.from({ length: totalWeeks }, (_, i) => addDays(endWeek, -7 * (totalWeeks - 1 - i)));
  const ids = new Set<string>();
  const newId = (): string => {
    let id = rng.spotifyId();
    while (ids.has(id)) id = rng.spotifyId();
    ids.add(id);
    return id;
  };

  // Artists: star power is heavy-tailed, as on the real chart (a few superstars, a long tail).
  const artists = new Map<string, DemoArtist>();
  const stars = new Map<string, number>();
  const familyOf = new Map<string, number>();
  const byFamily: string[][] = GENRE_FAMILIES.map(() => []);
  const usedNames = new Set<string>();
  for (let i = 0; i < ARTIST_COUNT; i++) {
    const id = newId();
    let name = artistName(rng);
    while (usedNames.has(name)) name = artistName(rng);
    usedNames.add(name);
    const family = rng.int(0, GENRE_FAMILIES.length - 1);
    const genres = GENRE_FAMILIES[family].filter(() => rng.chance(0.5));
    if (genres.length === 0) genres.push(GENRE_FAMILIES[family][0]);
    const star = Math.min(25, rng.pareto(1.7));
    artists.set(id, {
      id,
      name,
      genres: rng.chance(0.06) ? [] : genres,
      followers: Math.round(4000 * Math.pow(star, 2.1) * rng.logNormal(0, 0.5)),
      popularity: clamp(Math.round(38 + 14 * Math.log(star) + 5 * rng.normal()), 5, 100),
    });
    stars.set(id, star);
    familyOf.set(id, family);
    byFamily[family].push(id);
  }
  const artistIds = [...artists.keys()];
  const starWeights = artistIds.map((id) => stars.get(id) ?? 1);

  // Releases: every artist releases at least once; stars release more often.
  const releaseArtists: string[] = [...artistIds];
  const extra = Math.round(weeks * 3.5);
  for (let i = 0; i < extra; i++) releaseArtists.push(artistIds[rng.weightedIndex(starWeights)]);

  const albums = new Map<string, DemoAlbum>();
  const tracks = new Map<string, DemoTrack>();
  const candidates: Candidate[] = [];
  const labels = Array.from({ length: 40 }, () =>
    rng.chance(0.6) ? `${labelName(rng)}/${rng.pick(MAJOR_DISTRIBUTORS)}` : labelName(rng),
  );
  const labelOf = new Map<string, string>();

  const featuring = (lead: string): string[] => {
    const family = byFamily[familyOf.get(lead) ?? 0];
    const count = rng.chance(0.8) ? 1 : 2;
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const pool = rng.chance(0.75) ? family : artistIds;
      const other = pool[rng.weightedIndex(pool.map((id) => Math.sqrt(stars.get(id) ?? 1)))];
      if (other !== lead && !out.includes(other)) out.push(other);
    }
    return out;
  };

  const makeAlbum = (lead: string, week: number, classic: boolean): void => {
    const star = stars.get(lead) ?? 1;
    const roll = rng.next();
    const albumType: DemoAlbum['albumType'] = classic ? 'album' : roll < 0.55 ? 'single' : roll < 0.93 ? 'album' : 'compilation';
    const albumArtists = [lead];
    if (!classic && rng.chance(0.05)) albumArtists.push(...featuring(lead).slice(0, 1));
    const trackCount = albumType === 'single' ? rng.int(1, 3) : albumType === 'album' ? rng.int(8, 16) : rng.int(10, 18);
    const albumId = newId();
    if (!labelOf.has(lead)) labelOf.set(lead, rng.pick(labels));
    const label = labelOf.get(lead) ?? labels[0];
    const latin = (familyOf.get(lead) ?? 0) === 2;

    let releaseDate: string;
    let precision: DemoAlbum['releaseDatePrecision'] = 'day';
    if (classic) {
      const year = rng.int(1958, 2019);
      precision = year < 1990 && rng.chance(0.5) ? 'year' : 'day';
      releaseDate = precision === 'year' ? String(year) : `${year}-${pad(rng.int(9, 11))}-${pad(rng.int(1, 28))}`;
    } else {
      // Released on the Friday that opens the chart week (a chart date is the Thursday six days later).
      releaseDate = addDays(dates[Math.max(0, week)] ?? dates[0], week < 0 ? 7 * week - 6 : -6);
    }

    const trackIds: string[] = [];
    const singleTitle = songTitle(rng, latin);
    for (let n = 0; n < trackCount; n++) {
      const id = newId();
      const trackArtists =
        albumType === 'compilation' && n > 0 ? [artistIds[rng.weightedIndex(starWeights)]] : [...albumArtists];
      let name = albumType === 'single' && n === 0 ? singleTitle : songTitle(rng, latin);
      if (albumType === 'single' && n > 0) name = `${singleTitle} - ${rng.pick(['Sped Up', 'Acoustic', 'Remix', 'Slowed'])}`;
      if (rng.chance(albumType === 'single' ? 0.3 : 0.18)) {
        const feats = featuring(trackArtists[0]).filter((a) => !trackArtists.includes(a));
        if (feats.length > 0) {
          const featNames = feats.map((a) => artists.get(a)?.name ?? '');
          name += rng.chance(0.7) ? ` (feat. ${featNames.join(' & ')})` : ` (with ${featNames.join(' & ')})`;
          trackArtists.push(...feats);
        }
      }
      tracks.set(id, {
        id,
        name,
        albumId,
        artistIds: trackArtists,
        durationMs: Math.round(clamp(170000 + 35000 * rng.normal(), 95000, 420000)),
        explicit: rng.chance(0.35),
        trackNumber: n + 1,
        discNumber: 1,
        isrc: `${rng.pick(['US', 'GB', 'QM', 'QZ', 'DE', 'KR', 'BR', 'MX'])}${rng.pick(['UM7', 'SM1', 'AT2', 'RC1', 'WB1', 'A2P', 'Z03'])}${releaseDate.slice(2, 4)}${rng.digits(5)}`,
        popularity: 0,
        songWriters: [artists.get(trackArtists[0])?.name ?? '', personName(rng)].slice(0, rng.int(1, 2)),
        producers: [personName(rng)],
      });
      trackIds.push(id);
    }
    albums.set(albumId, {
      id: albumId,
      name: albumType === 'single' ? singleTitle : albumTitle(rng),
      albumType,
      artistIds: albumArtists,
      releaseDate,
      releaseDatePrecision: precision,
      label,
      trackIds,
      upc: `${rng.int(1, 8)}${rng.digits(11)}`,
      popularity: 0,
    });

    // Which tracks can chart: one lead single, several tracks of a star's album ("album bomb").
    const chartable =
      albumType === 'single'
        ? 1
        : albumType === 'compilation'
          ? rng.int(1, 2)
          : classic
            ? 1
            : Math.min(trackCount, 1 + Math.floor(rng.next() * (1 + Math.log2(1 + star)) * 1.6));
    for (let n = 0; n < chartable; n++) {
      const lead = n === 0;
      const factor = lead ? 1 : 0.3 + 0.4 * rng.next();
      const lateBloomer = !classic && rng.chance(0.1);
      const evergreen = rng.chance(0.08);
      candidates.push({
        trackId: trackIds[n],
        debut: classic ? -WARMUP_WEEKS : week + (lateBloomer ? rng.int(1, 20) : 0),
        strength: Math.pow(star, 0.9) * rng.logNormal(0, 0.5) * factor * (classic ? 3.5 : 1),
        riseWeeks: lateBloomer || rng.chance(0.2) ? rng.int(2, 10) : 0,
        halfLife: evergreen ? rng.int(25, 80) : rng.logNormal(Math.log(4.5), 0.5),
        seasonal: classic,
        revival: !classic && rng.chance(0.06) ? { week: week + rng.int(10, 60), strength: 0, halfLife: rng.int(2, 5) } : undefined,
      });
      const last = candidates[candidates.length - 1];
      if (last.revival) last.revival.strength = last.strength * (0.5 + rng.next());
    }
  };

  for (const lead of releaseArtists) makeAlbum(lead, rng.int(-WARMUP_WEEKS, totalWeeks - 1), false);
  for (let i = 0; i < CLASSIC_ALBUMS; i++) makeAlbum(artistIds[rng.weightedIndex(starWeights)], 0, true);

  // The weekly simulation.
  const history = new Map<string, History>();
  const charts: DemoChartWeek[] = [];
  const lastScore = new Map<string, number>();
  const simulateWeek = (t: number): DemoChartEntry[] => {
    const date = dates[t];
    const season = christmasFactor(date);
    const scored: { trackId: string; score: number }[] = [];
    for (const c of candidates) {
      const base = scoreAt(c, t, season);
      if (base <= 0) continue;
      const score = base * rng.logNormal(0, 0.12);
      scored.push({ trackId: c.trackId, score });
      if (t === totalWeeks - 1) lastScore.set(c.trackId, score);
    }
    scored.sort((a, b) => b.score - a.score || (a.trackId < b.trackId ? -1 : 1));
    const top = scored.slice(0, chartSize);
    const published = t >= WARMUP_WEEKS;
    if (published && top.length < chartSize) {
      throw new Error(`demo catalog: only ${top.length} chart candidates in week ${date} (need ${chartSize})`);
    }
    const streams = streamsByRank(rng, top.length, season);
    const entries: DemoChartEntry[] = top.map(({ trackId }, i) => {
      const rank = i + 1;
      const seen = history.get(trackId);
      const onLastWeek = seen !== undefined && seen.lastWeek === t - 1;
      const entryStatus: EntryStatus = !seen
        ? 'NEW_ENTRY'
        : !onLastWeek
          ? 'RE_ENTRY'
          : rank < seen.lastRank
            ? 'MOVED_UP'
            : rank > seen.lastRank
              ? 'MOVED_DOWN'
              : 'NO_CHANGE';
      const next: History = seen
        ? {
            appearances: seen.appearances + 1,
            consecutive: onLastWeek ? seen.consecutive + 1 : 1,
            lastWeek: t,
            lastRank: rank,
            peakRank: Math.min(seen.peakRank, rank),
            peakDate: rank < seen.peakRank ? date : seen.peakDate,
            entryRank: seen.entryRank,
            entryDate: seen.entryDate,
          }
        : { appearances: 1, consecutive: 1, lastWeek: t, lastRank: rank, peakRank: rank, peakDate: date, entryRank: rank, entryDate: date };
      history.set(trackId, next);
      return {
        rank,
        trackId,
        streams: streams[i],
        previousRank: onLastWeek ? seen.lastRank : -1,
        peakRank: next.peakRank,
        peakDate: next.peakDate,
        appearancesOnChart: next.appearances,
        consecutiveAppearancesOnChart: next.consecutive,
        entryStatus,
        entryRank: next.entryRank,
        entryDate: next.entryDate,
      };
    });
    return entries;
  };
  for (let t = 0; t < totalWeeks; t++) {
    const entries = simulateWeek(t);
    if (t >= WARMUP_WEEKS) charts.push({ alias: GLOBAL_WEEKLY_ALIAS, date: dates[t], entries });
  }

  // Popularity follows the latest chart performance; catalog filler stays low.
  const maxScore = Math.max(1, ...lastScore.values());
  for (const track of tracks.values()) {
    const score = lastScore.get(track.id);
    track.popularity =
      score === undefined ? rng.int(8, 38) : clamp(Math.round(35 + 65 * Math.pow(score / maxScore, 0.35)), 0, 100);
  }
  for (const album of albums.values()) {
    album.popularity = Math.max(0, ...album.trackIds.map((id) => tracks.get(id)?.popularity ?? 0));
  }

  const latest = charts[charts.length - 1];
  const favourites: string[] = [];
  for (const week of charts) {
    for (const entry of week.entries.slice(0, 10)) if (!favourites.includes(entry.trackId)) favourites.push(entry.trackId);
  }
  const addedAt = `${addDays(latest.date, 1)}T04:00:00Z`;
  const playlists = new Map<string, DemoPlaylist>([
    [
      TOP_50_GLOBAL_PLAYLIST_ID,
      {
        id: TOP_50_GLOBAL_PLAYLIST_ID,
        name: 'Top 50 - Global',
        ownerId: 'spotify',
        ownerName: 'Spotify',
        editorial: true,
        trackIds: latest.entries.slice(0, 50).map((e) => e.trackId),
        addedAt,
      },
    ],
  ]);
  const userPlaylistId = newId();
  playlists.set(userPlaylistId, {
    id: userPlaylistId,
    name: 'chartlake demo: weekly top 10s',
    ownerId: 'chartlake-demo',
    ownerName: 'chartlake demo',
    editorial: false,
    trackIds: favourites.slice(0, 130),
    addedAt,
  });

  const chartDates = charts.map((c) => c.date);
  // Weeks after endWeek (a demo server following the clock): the same simulation goes on, week by week, with
  // releases and noise from a stream of their own, so the weeks above never change and a week's content does not
  // depend on how far the catalog has been extended.
  let extension: Prng | undefined;
  const extendTo = (through: string): void => {
    if (!isThursday(through)) throw new Error(`extendTo ${through} is not a Thursday (chart dates are Thursdays)`);
    while (dates[dates.length - 1] < through) {
      rng = extension ??= new Prng(seed ^ 0x5eed5);
      const t = dates.length;
      dates.push(addDays(dates[t - 1], 7));
      const before = new Set(tracks.keys());
      const releases = rng.int(5, 8);
      for (let i = 0; i < releases; i++) makeAlbum(artistIds[rng.weightedIndex(starWeights)], t, false);
      for (const track of tracks.values()) if (!before.has(track.id)) track.popularity = rng.int(20, 60);
      for (const album of albums.values()) if (album.popularity === 0) album.popularity = Math.max(0, ...album.trackIds.map((id) => tracks.get(id)?.popularity ?? 0));
      charts.push({ alias: GLOBAL_WEEKLY_ALIAS, date: dates[t], entries: simulateWeek(t) });
      chartDates.push(dates[t]);
    }
  };

  return {
    seed,
    weeks: chartDates,
    extendTo,
    artists,
    albums,
    tracks,
    charts: new Map([[GLOBAL_WEEKLY_ALIAS, charts]]),
    playlists,
  };
}

/** The demo's user-owned (non-editorial) playlist: readable by Development Mode apps. */
export function demoUserPlaylistId(catalog: DemoCatalog): string {
  for (const playlist of catalog.playlists.values()) if (!playlist.editorial) return playlist.id;
  throw new Error('the demo catalog has no user playlist');
}

function scoreAt(c: Candidate, t: number, season: number): number {
  if (c.seasonal) return c.strength * season;
  let score = 0;
  const age = t - c.debut;
  if (age >= 0) {
    if (age < c.riseWeeks) score = c.strength * (0.2 + (0.8 * age) / c.riseWeeks);
    else score = c.strength * Math.pow(0.5, (age - c.riseWeeks) / c.halfLife);
  }
  if (c.revival && t >= c.revival.week) {
    score += c.revival.strength * Math.pow(0.5, (t - c.revival.week) / c.revival.halfLife);
  }
  return score;
}

/** Christmas songs chart from late November into the first week of January. */
function christmasFactor(date: string): number {
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  if (month === 11 && day >= 24) return 0.25;
  if (month === 12) return day <= 12 ? 0.7 : 1;
  if (month === 1 && day <= 7) return 0.45;
  return 0;
}

/** Weekly global streams: a power law in rank (tens of millions at #1, around a million at #200), never increasing. */
function streamsByRank(rng: Prng, count: number, season: number): number[] {
  const top = 36_000_000 * rng.logNormal(0, 0.08) * (1 + 0.08 * season);
  const out: number[] = [];
  for (let rank = 1; rank <= count; rank++) {
    const value = Math.round(top * Math.pow(rank, -0.55) * (1 + 0.01 * rng.normal()));
    out.push(rank === 1 ? value : Math.min(value, out[rank - 2]));
  }
  return out;
}

export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function isThursday(isoDate: string): boolean {
  const date = new Date(`${isoDate}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === isoDate && date.getUTCDay() === 4;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
