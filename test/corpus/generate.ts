/**
 * Generates chart files for the corpus and property tests: Spotify Charts weekly CSVs (byte-level choices: BOM,
 * line ends, quoting) and raw JSON envelopes, from typed rows. Broken files are made from these by the tests.
 */
import * as path from 'node:path';
import type { DuckDb } from '../../src/query';
import { renderSql } from '../../src/query/sql';
import { tableFileKey, yearOfWeek } from '../../src/store';
import { CHARTS_CSV_COLUMNS } from '../../src/transform';
import { RAW_SCHEMA_VERSION, type ChartsServiceEnvelope, type ChartsServiceEntry } from '../../src/sources/envelope';

export interface CsvRow {
  rank: number;
  track_id: string;
  artist_names: string;
  track_name: string;
  source: string;
  peak_rank: number;
  /** -1 for a new entry, as in the files. */
  previous_rank: number;
  weeks_on_chart: number;
  streams: number;
}

export interface CsvStyle {
  bom: boolean;
  eol: '\r\n' | '\n';
  /** `spotify`: text fields quoted as charts.spotify.com does; `all`: every field; `minimal`: only when needed. */
  quoting: 'spotify' | 'all' | 'minimal';
  trailingEol: boolean;
}

export const SPOTIFY_STYLE: CsvStyle = { bom: true, eol: '\r\n', quoting: 'spotify', trailingEol: true };

const TEXT_COLUMNS = new Set(['uri', 'artist_names', 'track_name', 'source', 'streams']);

export function renderCsv(rows: CsvRow[], style: CsvStyle = SPOTIFY_STYLE): string {
  const cell = (column: string, value: string | number) => {
    const text = String(value);
    const needs = /[",\r\n]/.test(text);
    const quote = style.quoting === 'all' || (style.quoting === 'spotify' && TEXT_COLUMNS.has(column)) || needs;
    return quote ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [
    CHARTS_CSV_COLUMNS.join(','),
    ...rows.map((row) =>
      CHARTS_CSV_COLUMNS.map((column) => cell(column, column === 'uri' ? `spotify:track:${row.track_id}` : row[column as keyof CsvRow])).join(','),
    ),
  ];
  return `${style.bom ? '\uFEFF' : ''}${lines.join(style.eol)}${style.trailingEol ? style.eol : ''}`;
}

/** Parses a real Charts CSV (the fixtures' source of truth for "the original rows"). Handles quotes, BOM, CRLF. */
export function parseCsv(text: string): CsvRow[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') record.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      (record = []), (field = '');
    } else field += c;
  }
  if (field !== '' || record.length > 0) record.push(field), records.push(record);
  return records.slice(1).map((r) => ({
    rank: Number(r[0]),
    track_id: r[1].replace('spotify:track:', ''),
    artist_names: r[2],
    track_name: r[3],
    source: r[4],
    peak_rank: Number(r[5]),
    previous_rank: Number(r[6]),
    weeks_on_chart: Number(r[7]),
    streams: Number(r[8]),
  }));
}

/** A charts-service envelope (no enrichment: `api_mode` none) holding `rows` as the web service gives them. */
export function envelopeOf(rows: CsvRow[], chart: { alias: string; region: string; date: string }, fetchedAt = '2023-01-06T12:00:00.000Z'): ChartsServiceEnvelope {
  const entries: ChartsServiceEntry[] = rows.map((row) => ({
    chartEntryData: {
      currentRank: row.rank,
      previousRank: row.previous_rank,
      peakRank: row.peak_rank,
      appearancesOnChart: row.weeks_on_chart,
      consecutiveAppearancesOnChart: row.weeks_on_chart,
      entryStatus: row.previous_rank === -1 ? 'NEW_ENTRY' : row.previous_rank > row.rank ? 'MOVED_UP' : row.previous_rank < row.rank ? 'MOVED_DOWN' : 'NO_CHANGE',
      rankingMetric: { value: String(row.streams), type: 'STREAMS' },
    },
    trackMetadata: {
      trackName: row.track_name,
      trackUri: `spotify:track:${row.track_id}`,
      artists: row.artist_names.split(', ').map((name, i) => ({ name, spotifyUri: `spotify:artist:${row.track_id.slice(0, 20)}a${i}` })),
      labels: [{ name: row.source }],
      releaseDate: '2022-12-09',
    },
  }));
  return {
    schema_version: RAW_SCHEMA_VERSION,
    chart: { alias: chart.alias, region: chart.region, recurrence: 'weekly', date: chart.date },
    source: { kind: 'charts-service', endpoint: 'https://charts-spotify-com-service.spotify.com/public/v0/charts', api_mode: 'none' },
    fetched_at: fetchedAt,
    entries,
    tracks: {},
    albums: {},
    artists: {},
  };
}

/** A 50 MB (or `bytes`) chart-looking CSV, written in 1 MB chunks so the test itself stays small in memory. */
export function hugeCsvChunks(row: string, bytes: number): { header: string; chunk: string; count: number } {
  const header = `${CHARTS_CSV_COLUMNS.join(',')}\r\n`;
  const chunk = `${row}\r\n`.repeat(Math.ceil((1 << 20) / (row.length + 2)));
  return { header, chunk, count: Math.ceil(bytes / chunk.length) };
}

/** The chart_entries rows of one week in a folder lake, read back from its year file as the CSV rows they came from. */
export async function chartRowsOf(duck: DuckDb, lake: string, chart: string, week: string): Promise<CsvRow[]> {
  const file = path.join(lake, ...tableFileKey('chart_entries', { chart, year: yearOfWeek(week) }).split('/'));
  return duck.withConnection(async (connection) => {
    const rows = await connection.all<Record<string, unknown>>(
      renderSql(
        `SELECT rank, track_id, artist_names, track_name, label AS source, peak_rank, coalesce(previous_rank, -1) AS previous_rank, weeks_on_chart, streams
         FROM read_parquet({{file}}, hive_partitioning = false) WHERE week = CAST({{week}} AS DATE) ORDER BY rank`,
        { file, week },
      ),
    );
    return rows.map((row) => ({ ...row, streams: Number(row.streams) }) as unknown as CsvRow);
  });
}
