import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { mulberry32 as prng } from '../src/demo/prng';

/** 73 Spotify Charts regions: global and 72 markets with a weekly chart. */
export const REGIONS: readonly string[] = (
  'global us gb de fr es it br mx ar ca au nl se no dk fi pl pt at ch be ie nz jp kr tw hk sg my id ph th vn in ' +
  'tr il ae sa eg ma za ng ke cl co pe ec bo py uy cr do gt hn ni pa sv cz sk hu ro bg gr ee lv lt is lu ua by kz pk'
).split(' ');

export interface GenerateOptions {
  regions: number;
  weeks: number;
  /** First chart week, a Thursday. */
  firstWeek?: string;
  seed?: number;
}

export interface GeneratedInput {
  dir: string;
  regions: string[];
  /** Chart weeks in order (Thursdays). */
  weeks: string[];
  /** Every file, region by region, week by week. */
  files: { region: string; week: string; file: string }[];
  rows: number;
}

const CHART_SIZE = 200;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function chartWeeks(count: number, first = '2021-01-07'): string[] {
  const start = Date.parse(`${first}T00:00:00Z`);
  if (new Date(start).getUTCDay() !== 4) throw new Error(`${first} is not a Thursday`);
  return Array.from({ length: count }, (_, index) => new Date(start + index * 7 * 86_400_000).toISOString().slice(0, 10));
}

interface Track {
  id: string;
  name: string;
  artists: string;
  label: string;
  /** How popular the track is while it charts. */
  appeal: number;
}

interface Charted {
  track: Track;
  peak: number;
  weeks: number;
  lastRank: number;
}

/** A field as Spotify's export writes it: quoted when it is text, `"` doubled. */
function quoted(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

function makeTrack(random: () => number, serial: number): Track {
  let id = '';
  for (let index = 0; index < 22; index += 1) id += BASE62[Math.floor(random() * 62)];
  const words = ['Love', 'Night', 'Fire', 'Dance', 'Blue', 'Rain', 'Home', 'Gold', 'Heart', 'Summer', 'Ghost', 'Wild'];
  const word = () => words[Math.floor(random() * words.length)];
  // Some titles carry commas and quotes, as real ones do ("Boy's a liar Pt. 2", "Kill Bill").
  const name = random() < 0.1 ? `${word()}, ${word()} "Live"` : `${word()} ${word()} ${serial}`;
  const credits = 1 + Math.floor(random() * random() * 3);
  const artists = Array.from({ length: credits }, () => `Artist ${Math.floor(random() * 5000)}`).join(', ');
  const label = `${word()} Records/Label ${Math.floor(random() * 40)}`;
  return { id, name, artists, label, appeal: random() };
}

/**
 * Writes real-format Spotify Charts weekly CSVs (`regional-<region>-weekly-<date>.csv`: UTF-8 BOM, CRLF, quoted text
 * fields, ranks 1..200, streams non-increasing with rank, previous_rank -1 for a new entry) into `dir`.
 */
export async function generateInput(dir: string, options: GenerateOptions): Promise<GeneratedInput> {
  if (options.regions > REGIONS.length) throw new Error(`at most ${REGIONS.length} regions`);
  await fs.mkdir(dir, { recursive: true });
  const regions = REGIONS.slice(0, options.regions);
  const weeks = chartWeeks(options.weeks, options.firstWeek);
  const files: GeneratedInput['files'] = [];
  for (const [regionIndex, region] of regions.entries()) {
    const random = prng((options.seed ?? 2023) * 1000 + regionIndex);
    let serial = 0;
    let charted: Charted[] = [];
    const everCharted = new Set<string>();
    const pool: Track[] = [];
    const scale = 2_000_000 * (0.2 + random());
    for (const week of weeks) {
      // About 15 tracks leave the chart each week; new tracks (and a few older ones) take their places.
      const staying = charted.filter((entry) => entry.lastRank <= 185 || random() < 0.5).slice(0, CHART_SIZE);
      const inChart = new Set(staying.map((entry) => entry.track.id));
      while (staying.length < CHART_SIZE) {
        const track = pool.length > 50 && random() < 0.1 ? pool[Math.floor(random() * pool.length)] : makeTrack(random, (serial += 1));
        if (inChart.has(track.id)) continue;
        if (!pool.includes(track)) pool.push(track);
        inChart.add(track.id);
        staying.push({ track, peak: Number.MAX_SAFE_INTEGER, weeks: 0, lastRank: -1 });
      }
      // Rank by appeal with a little noise; streams fall with rank.
      const scored = staying.map((entry) => ({ entry, score: entry.track.appeal * (0.8 + 0.4 * random()) / (1 + entry.weeks * 0.02) }));
      scored.sort((a, b) => b.score - a.score);
      const lines = ['\uFEFFrank,uri,artist_names,track_name,source,peak_rank,previous_rank,weeks_on_chart,streams'];
      let streams = Math.round(scale);
      charted = scored.map(({ entry }, index) => {
        const rank = index + 1;
        const previous = entry.lastRank;
        const weeksOn = entry.weeks + 1;
        const peak = Math.min(entry.peak, rank);
        if (index > 0) streams = Math.max(1000, streams - Math.round(streams * 0.012 * random()));
        const track = entry.track;
        everCharted.add(track.id);
        lines.push([rank, quoted(`spotify:track:${track.id}`), quoted(track.artists), quoted(track.name), quoted(track.label), peak, previous, weeksOn, quoted(String(streams))].join(','));
        return { track, peak, weeks: weeksOn, lastRank: rank };
      });
      const file = path.join(dir, `regional-${region}-weekly-${week}.csv`);
      await fs.writeFile(file, `${lines.join('\r\n')}\r\n`);
      files.push({ region, week, file });
    }
  }
  return { dir, regions, weeks, files, rows: files.length * CHART_SIZE };
}
