import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * "The usual approach", as public tutorials write it: read each CSV, parse its rows in JavaScript, build an
 * object per row, derive the dimension rows, and write one JSON file per table per week. Plain on purpose: this is
 * what chartlake is compared against, not a straw man (it does less than chartlake: no types, no quality gates).
 */
interface Entry {
  chart: string;
  region: string;
  week: string;
  rank: number;
  track_id: string;
  track_name: string;
  artist_names: string;
  label: string;
  streams: number;
  peak_rank: number;
  previous_rank: number | null;
  weeks_on_chart: number;
}

/** A CSV line split at commas outside quotes ("" is a quote inside a quoted field). */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (inQuotes) {
      if (char === '"' && line[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') {
        inQuotes = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      inQuotes = true;
    } else if (char === ',') {
      fields.push(field);
      field = '';
    } else {
      field += char;
    }
  }
  fields.push(field);
  return fields;
}

export async function usualImport(files: string[], outDir: string): Promise<{ weeks: number; rows: number }> {
  let rows = 0;
  for (const file of files) {
    const match = /regional-([a-z0-9]+)-weekly-(\d{4}-\d{2}-\d{2})\.csv$/.exec(path.basename(file));
    if (!match) throw new Error(`${file}: not a weekly chart file`);
    const [, region, week] = match;
    const chart = `regional-${region}-weekly`;
    const text = (await fs.readFile(file, 'utf8')).replace(/^\uFEFF/, '');
    const [header, ...lines] = text.split(/\r?\n/).filter((line) => line.length > 0);
    const columns = parseCsvLine(header);
    const entries: Entry[] = lines.map((line) => {
      const values = parseCsvLine(line);
      const row: Record<string, string> = {};
      columns.forEach((column, index) => (row[column] = values[index]));
      const previous = Number(row.previous_rank);
      return {
        chart,
        region,
        week,
        rank: Number(row.rank),
        track_id: row.uri.replace('spotify:track:', ''),
        track_name: row.track_name,
        artist_names: row.artist_names,
        label: row.source,
        streams: Number(row.streams),
        peak_rank: Number(row.peak_rank),
        previous_rank: previous === -1 ? null : previous,
        weeks_on_chart: Number(row.weeks_on_chart),
      };
    });
    const tracks = entries.map((entry) => ({ chart, week, track_id: entry.track_id, name: entry.track_name }));
    const trackArtists = entries.flatMap((entry) =>
      entry.artist_names.split(', ').map((name, index) => ({ chart, week, track_id: entry.track_id, artist_id: null, artist_name: name, position: index + 1 })),
    );
    const tables: Record<string, unknown[]> = { chart_entries: entries, tracks, track_artists: trackArtists, albums: [], artists: [] };
    for (const [table, tableRows] of Object.entries(tables)) {
      const folder = path.join(outDir, table, chart);
      await fs.mkdir(folder, { recursive: true });
      await fs.writeFile(path.join(folder, `${week}.json`), JSON.stringify(tableRows));
    }
    rows += entries.length;
  }
  return { weeks: files.length, rows };
}
