import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { mulberry32 as prng } from '../../src/demo/prng';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const trackId = (n: number) => Array.from({ length: 22 }, (_, i) => BASE62[(n * 7919 + i * 31 + Math.floor(n / (i + 1))) % 62]).join('');

export function weekOf(index: number): string {
  const date = new Date(Date.UTC(2023, 0, 5 + 7 * index)); // 2023-01-05 is a Thursday
  return date.toISOString().slice(0, 10);
}

/**
 * Writes `weeks` Spotify Charts weekly CSVs (200 rows each, valid for the transform's quality gates) for a market
 * of songs that rise and decay. From week index `poisonFrom` on, the market is re-seeded: those weeks (and only
 * those) become a different, unrelated history — the "poisoned future" of the leakage test.
 */
export function writeSyntheticCharts(dir: string, weeks: number, options: { seed?: number; poisonFrom?: number } = {}): string[] {
  let random = prng(options.seed ?? 7);
  const songs: { id: string; name: string; artist: string; level: number; trend: number }[] = [];
  let next = 0;
  const add = () => {
    const n = next++;
    songs.push({ id: trackId(n), name: `Song ${n}`, artist: `Artist ${Math.floor(random() * 60)}`, level: 11 + 3 * random(), trend: 0.3 * random() - 0.05 });
  };
  for (let i = 0; i < 260; i++) add();
  const history = new Map<string, { peak: number; weeks: number; last?: number }>();
  const files: string[] = [];
  for (let w = 0; w < weeks; w++) {
    if (w === options.poisonFrom) random = prng((options.seed ?? 7) + 1000);
    for (let i = 0; i < 15; i++) add();
    for (const song of songs) {
      song.level += song.trend + 0.15 * (random() - 0.5);
      song.trend -= 0.08 + 0.05 * random();
    }
    const chart = [...songs].sort((a, b) => b.level - a.level).slice(0, 200);
    const lines = ['rank,uri,artist_names,track_name,source,peak_rank,previous_rank,weeks_on_chart,streams'];
    let previousStreams = Infinity;
    const onChart = new Set<string>();
    chart.forEach((song, index) => {
      const rank = index + 1;
      const seen = history.get(song.id) ?? { peak: rank, weeks: 0 };
      const previous = seen.last === w - 1 ? (seen as { rank?: number }).rank ?? -1 : -1;
      seen.peak = Math.min(seen.peak, rank);
      seen.weeks += 1;
      seen.last = w;
      (seen as { rank?: number }).rank = rank;
      history.set(song.id, seen);
      onChart.add(song.id);
      const streams = Math.min(previousStreams - 1, Math.round(Math.exp(song.level)));
      previousStreams = streams;
      lines.push(`${rank},"spotify:track:${song.id}","${song.artist}","${song.name}","Label",${seen.peak},${previous},${seen.weeks},"${streams}"`);
    });
    const file = path.join(dir, `regional-us-weekly-${weekOf(w)}.csv`);
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    files.push(file);
  }
  return files;
}
