import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Prng } from '../../src/demo/prng';
import type { DuckDb } from '../../src/query';
import { lineageKey, tableFileKey, yearOfWeek, type FsStore } from '../../src/store';

/**
 * Random charts made to stress song identity, written straight into a lake's tables (no transform): two charts whose
 * weeks arrive interleaved, across a new year; songs of a few colliding titles and artists, each with up to three
 * track ids that hand runs over to each other, chart side by side, share or lack ISRCs; now and then a credit or a
 * name that changes, or a week committed again under another run id.
 */
interface SongSpec {
  title: string;
  artists: string[];
  ids: { id: string; name: string; isrc: string | null }[];
}

interface Placed {
  song: SongSpec;
  id: SongSpec['ids'][number];
  rank: number;
  weeks: number;
}

export interface ChartWeekRows {
  chart: string;
  week: string;
  runId: string;
  entries: { rank: number; track_id: string; track_name: string; artist_names: string; previous_rank: number | null; weeks_on_chart: number }[];
  tracks: { track_id: string; isrc: string | null }[];
  credits: { track_id: string; artist_name: string }[];
}

const TITLES = ['Halo', 'Stay', 'Mona Lisa', 'Rain', 'Gold'];
const ARTISTS = ['Ana', 'Bo', 'Cy', 'Di'];
export const SONG_CHARTS = ['regional-aa-weekly', 'regional-bb-weekly'];

function addDays(week: string, days: number): string {
  const date = new Date(`${week}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Each chart's weeks in order, `weeks` of them from 2023-11-30 (so the sixth is in 2024). */
export function randomChartWeeks(seed: number, weeks: number): ChartWeekRows[][] {
  const random = new Prng(seed);
  let serial = 0;
  const songs: SongSpec[] = Array.from({ length: 24 }, (_, index) => {
    const title = random.pick(TITLES);
    const artists = [...new Set([random.pick(ARTISTS), ...(random.chance(0.3) ? [random.pick(ARTISTS)] : [])])];
    const shared = random.chance(0.5) ? `QZ${String(index).padStart(10, '0')}` : null;
    const ids = Array.from({ length: random.int(1, 3) }, () => ({
      id: `t${String((serial += 1)).padStart(3, '0')}`,
      name: random.chance(0.2) ? `${title} (Remastered)` : random.chance(0.2) ? title.toUpperCase() : title,
      isrc: shared ?? (random.chance(0.5) ? `QY${String(serial).padStart(10, '0')}` : null),
    }));
    return { title, artists, ids };
  });
  // Now and then two songs share an ISRC (a label's mistake): a link that may join two songs.
  if (random.chance(0.5)) songs[1].ids[0].isrc = songs[0].ids[0].isrc ?? 'QX0000000001';
  return SONG_CHARTS.map((chart) => {
    let placed: Placed[] = [];
    const out: ChartWeekRows[] = [];
    for (let index = 0; index < weeks; index += 1) {
      const week = addDays('2023-11-30', 7 * index);
      const next: (Placed & { previous: number | null })[] = [];
      for (const entry of placed) {
        if (!random.chance(0.8)) continue;
        // A run handed over to another id of the song: the chart keeps its previous rank and weeks.
        const id = entry.song.ids.length > 1 && random.chance(0.15) ? random.pick(entry.song.ids.filter((other) => other !== entry.id)) : entry.id;
        next.push({ ...entry, id, previous: entry.rank, weeks: entry.weeks + 1 });
      }
      while (next.length < random.int(6, 9)) {
        const song = random.pick(songs);
        const free = song.ids.filter((id) => !next.some((entry) => entry.id === id));
        // Mostly one id of a song at a time; sometimes a second one beside it.
        if (free.length === 0 || (next.some((entry) => entry.song === song) && !random.chance(0.2))) continue;
        next.push({ song, id: random.pick(free), rank: 0, weeks: 1, previous: null });
      }
      for (let i = next.length - 1; i > 0; i -= 1) {
        const j = random.int(0, i);
        [next[i], next[j]] = [next[j], next[i]];
      }
      next.forEach((entry, rank) => (entry.rank = rank + 1));
      const rows: ChartWeekRows = { chart, week, runId: `run-${chart}-${week}`, entries: [], tracks: [], credits: [] };
      for (const entry of next) {
        const renamed = random.chance(0.03) ? `${entry.id.name} (Live)` : entry.id.name;
        const credits = random.chance(0.05) ? [...entry.song.artists, 'Feat'] : entry.song.artists;
        rows.entries.push({ rank: entry.rank, track_id: entry.id.id, track_name: renamed, artist_names: credits.join(', '), previous_rank: entry.previous, weeks_on_chart: entry.weeks });
        rows.tracks.push({ track_id: entry.id.id, isrc: entry.id.isrc });
        for (const artist of credits) rows.credits.push({ track_id: entry.id.id, artist_name: artist });
      }
      out.push(rows);
      placed = next;
    }
    return out;
  });
}

/**
 * Commits chart weeks into the lake: each chart-year's files of chart_entries, tracks, track_artists and _lineage
 * rewritten whole with the weeks committed so far, as the transform lays them out (a week again replaces its rows).
 */
export class SongChartLake {
  private readonly committed = new Map<string, ChartWeekRows>();

  constructor(private readonly store: FsStore, private readonly duck: DuckDb, private readonly scratch: string) {}

  async commit(weeks: readonly ChartWeekRows[]): Promise<void> {
    for (const week of weeks) this.committed.set(`${week.chart}|${week.week}`, week);
    const chartYears = new Set(weeks.map((week) => `${week.chart}|${yearOfWeek(week.week)}`));
    for (const chartYear of chartYears) {
      const [chart, year] = chartYear.split('|');
      const rows = [...this.committed.values()].filter((week) => week.chart === chart && String(yearOfWeek(week.week)) === year);
      const tables: Record<string, { key: string; lines: object[]; columns: string }> = {
        chart_entries: {
          key: tableFileKey('chart_entries', { chart, year: Number(year) }),
          lines: rows.flatMap((week) => week.entries.map((entry) => ({ week: week.week, run_id: week.runId, ...entry }))),
          columns: "{week: 'DATE', run_id: 'VARCHAR', rank: 'INTEGER', track_id: 'VARCHAR', track_name: 'VARCHAR', artist_names: 'VARCHAR', previous_rank: 'INTEGER', weeks_on_chart: 'INTEGER'}",
        },
        tracks: {
          key: tableFileKey('tracks', { chart, year: Number(year) }),
          lines: rows.flatMap((week) => week.tracks.map((track) => ({ week: week.week, run_id: week.runId, ...track }))),
          columns: "{week: 'DATE', run_id: 'VARCHAR', track_id: 'VARCHAR', isrc: 'VARCHAR'}",
        },
        track_artists: {
          key: tableFileKey('track_artists', { chart, year: Number(year) }),
          lines: rows.flatMap((week) => week.credits.map((credit) => ({ week: week.week, run_id: week.runId, ...credit }))),
          columns: "{week: 'DATE', run_id: 'VARCHAR', track_id: 'VARCHAR', artist_name: 'VARCHAR'}",
        },
        _lineage: {
          key: lineageKey({ chart, year: Number(year) }),
          lines: rows.map((week) => ({ week: week.week, run_id: week.runId })),
          columns: "{week: 'DATE', run_id: 'VARCHAR'}",
        },
      };
      for (const [name, table] of Object.entries(tables)) {
        const json = path.join(this.scratch, `${name}.json`);
        const parquet = path.join(this.scratch, `${name}.parquet`);
        writeFileSync(json, table.lines.map((line) => JSON.stringify(line)).join('\n'));
        await this.duck.withConnection((connection) => connection.run(`COPY (SELECT * FROM read_json('${json}', format = 'newline_delimited', columns = ${table.columns})) TO '${parquet}' (FORMAT parquet)`));
        await this.store.putMany([{ key: table.key, file: parquet }]);
      }
    }
  }
}
