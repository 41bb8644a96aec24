import { isIsoDate } from '../store';
import { weeklyChartAlias } from '../sources/envelope';

/**
 * The largest raw object (CSV or envelope) chartlake reads. A 200-entry CSV is about 30 KB and a fully enriched
 * envelope well under 5 MB; anything past this is not a chart week and is refused before it is read.
 */
export const MAX_RAW_OBJECT_BYTES = 32 * 1024 * 1024;

/** The columns of a Spotify Charts weekly CSV export, in order (SPOTIFY.md). */
export const CHARTS_CSV_COLUMNS = [
  'rank', 'uri', 'artist_names', 'track_name', 'source', 'peak_rank', 'previous_rank', 'weeks_on_chart', 'streams',
] as const;

export interface ChartsCsvName {
  region: string;
  chart: string;
  week: string;
}

/** `regional-<region>-weekly-<YYYY-MM-DD>.csv` → region, chart alias and week; a clear error otherwise. */
export function parseChartsCsvName(fileName: string): ChartsCsvName {
  const match = /^regional-([a-z0-9]+)-weekly-(\d{4}-\d{2}-\d{2})\.csv$/i.exec(fileName);
  if (!match) {
    if (/-daily-/.test(fileName)) throw new Error(`${fileName}: a daily chart; chartlake imports weekly charts (regional-<region>-weekly-<YYYY-MM-DD>.csv)`);
    throw new Error(`${fileName}: the file name does not say region and week (expected regional-<region>-weekly-<YYYY-MM-DD>.csv, as charts.spotify.com names its downloads)`);
  }
  const region = match[1].toLowerCase();
  const week = match[2];
  if (!isIsoDate(week)) throw new Error(`${fileName}: ${week} is not a calendar date`);
  return { region, chart: weeklyChartAlias(region), week };
}

/**
 * Checks the header line of a Charts CSV (a BOM and CRLF are allowed) and returns the problem, if any.
 * A header is checked here, before DuckDB, because a wrong column order would otherwise read as shifted values.
 */
export function chartsCsvHeaderProblem(bytes: Uint8Array): string | undefined {
  if (bytes.byteLength === 0) return 'the file is empty';
  const notUtf8 = firstNonUtf8Line(bytes);
  if (notUtf8 !== undefined) return `line ${notUtf8} is not UTF-8 (Spotify exports UTF-8; was the file re-saved in another encoding?)`;
  const head = Buffer.from(bytes.subarray(0, Math.min(bytes.byteLength, 4096))).toString('utf8');
  const firstLine = head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0];
  const columns = firstLine.split(',').map((column) => column.trim().replace(/^"|"$/g, ''));
  if (columns.includes('days_on_chart')) return 'this is a daily chart (days_on_chart); chartlake imports weekly charts';
  const expected = CHARTS_CSV_COLUMNS.join(',');
  if (columns.join(',') !== expected) return `the header is "${firstLine}", expected "${expected}"`;
  return undefined;
}

/** The 1-based line holding the first byte sequence that is not UTF-8, if any (DuckDB would stop on it less clearly). */
export function firstNonUtf8Line(bytes: Uint8Array): number | undefined {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    decoder.decode(bytes);
    return undefined;
  } catch {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        try {
          decoder.decode(bytes.subarray(start, i));
        } catch {
          return line;
        }
        line += 1;
        start = i + 1;
      }
    }
    return line;
  }
}
