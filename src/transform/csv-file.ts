import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { isIsoDate } from '../store';
import { weeklyChartAlias } from '../sources/envelope';

/**
 * The largest raw object (CSV or envelope) chartlake reads. A 200-entry CSV is about 30 KB and a fully enriched
 * envelope well under 5 MB; anything past this is not a chart week and is refused before it is read.
 */
export const MAX_RAW_OBJECT_BYTES = 32 * 1024 * 1024;

/** A CSV's text without a UTF-8 BOM, with LF line ends and no final line ends: what stays when a file is re-saved. */
export function csvContent(bytes: Buffer): Buffer {
  const parts = csvContentParts(bytes);
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/**
 * SHA-256 of `csvContent`: a copy of one week's CSV saved under another week's name (or re-saved by a spreadsheet)
 * has the same. Lineage keeps it for every CSV a week was built from, so an import need not read them again.
 */
export function csvContentSha256(bytes: Buffer): string {
  const hash = createHash('sha256');
  for (const part of csvContentParts(bytes)) hash.update(part);
  return hash.digest('hex');
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const CRLF = Buffer.from('\r\n');

/**
 * `csvContent` as views of `bytes` (no copy): the text between the BOM and the final line ends, cut before each CR of
 * a CRLF. An import computes it for every file twice (its checks, then the transform's lineage): as a string
 * (latin1, three replaces, back to bytes) it cost ~0.2 ms a file and most of the garbage collector's work.
 */
function csvContentParts(bytes: Buffer): Buffer[] {
  const start = bytes.subarray(0, 3).equals(BOM) ? 3 : 0;
  let end = bytes.length;
  while (end > start && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end -= 1;
  const parts: Buffer[] = [];
  let from = start;
  for (let at = bytes.indexOf(CRLF, from); at !== -1 && at < end; at = bytes.indexOf(CRLF, from)) {
    parts.push(bytes.subarray(from, at));
    from = at + 1; // the LF starts the next part
  }
  parts.push(bytes.subarray(from, end));
  return parts;
}

/** The columns of a Spotify Charts weekly CSV export, in order (SPOTIFY.md). */
export const CHARTS_CSV_COLUMNS = [
  'rank', 'uri', 'artist_names', 'track_name', 'source', 'peak_rank', 'previous_rank', 'weeks_on_chart', 'streams',
] as const;

export interface ChartsCsvName {
  region: string;
  chart: string;
  week: string;
  /** The name the raw zone stores it under: `regional-<region>-weekly-<week>.csv`, lower case. */
  canonicalName: string;
}

/**
 * `regional-<region>-weekly-<YYYY-MM-DD>.csv` → region, chart alias, week and the canonical file name (lower case,
 * without a browser's ` (1)` duplicate suffix): names that differ only so are one file of one week. A clear error
 * otherwise.
 */
export function parseChartsCsvName(fileName: string): ChartsCsvName {
  if (/\.gz$/i.test(fileName)) throw new Error(`${fileName}: a compressed (gzip) file; decompress it first (gunzip ${fileName}) and import the .csv`);
  const match = /^regional-([a-z0-9]+)-weekly-(\d{4}-\d{2}-\d{2})(?: \(\d+\))?\.csv$/i.exec(fileName);
  if (!match) {
    if (/-daily-/.test(fileName)) throw new Error(`${fileName}: a daily chart; chartlake imports weekly charts (regional-<region>-weekly-<YYYY-MM-DD>.csv)`);
    throw new Error(`${fileName}: the file name does not say region and week (expected regional-<region>-weekly-<YYYY-MM-DD>.csv, as charts.spotify.com names its downloads)`);
  }
  const region = match[1].toLowerCase();
  const week = match[2];
  if (!isIsoDate(week)) throw new Error(`${fileName}: ${week} is not a calendar date`);
  return { region, chart: weeklyChartAlias(region), week, canonicalName: `regional-${region}-weekly-${week}.csv` };
}

/**
 * Checks the header line of a Charts CSV (a BOM and CRLF are allowed) and returns the problem, if any.
 * A header is checked here, before DuckDB, because a wrong column order would otherwise read as shifted values.
 */
export function chartsCsvHeaderProblem(bytes: Uint8Array): string | undefined {
  if (bytes.byteLength === 0) return 'the file is empty';
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'the file is compressed (gzip), not a CSV: decompress it first (gunzip) and import the .csv';
  const notUtf8 = firstNonUtf8Line(bytes);
  if (notUtf8 !== undefined) return `line ${notUtf8} is not UTF-8 (Spotify exports UTF-8; was the file re-saved in another encoding?)`;
  const head = Buffer.from(bytes.subarray(0, Math.min(bytes.byteLength, 4096))).toString('utf8');
  const firstLine = head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0];
  const columns = firstLine.split(',').map((column) => column.trim().replace(/^"|"$/g, ''));
  if (columns.includes('days_on_chart')) return 'this is a daily chart (days_on_chart); chartlake imports weekly charts';
  const expected = CHARTS_CSV_COLUMNS.join(',');
  if (columns.join(',') !== expected) {
    // Only the column names chartlake knows are repeated: a file that is no CSV at all (a symlink to /etc/passwd)
    // must not have its content echoed into the error, the quarantine report or a log.
    const known = columns.filter((column) => (CHARTS_CSV_COLUMNS as readonly string[]).includes(column));
    const missing = CHARTS_CSV_COLUMNS.filter((column) => !columns.includes(column));
    const seen = known.length > 0 ? `columns ${known.join(',')}${columns.length > known.length ? ` and ${columns.length - known.length} other(s)` : ''}` : 'none of the expected columns';
    return `the header is not that of a Spotify Charts weekly export (it has ${seen}${missing.length > 0 ? `; missing ${missing.join(', ')}` : ', in another order'}); expected "${expected}"`;
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const line = Buffer.from(bytes.subarray(0, nul)).toString('utf8').split('\n').length;
    return `line ${line} holds a NUL byte (\\0), which no Spotify export has: the file is damaged or not a chart export`;
  }
  return undefined;
}

/** The 1-based line holding the first byte sequence that is not UTF-8, if any (DuckDB would stop on it less clearly). */
export function firstNonUtf8Line(bytes: Uint8Array): number | undefined {
  // isUtf8 checks without decoding: a decoded copy of every file an import reads (twice) was garbage to collect.
  if (isUtf8(bytes)) return undefined;
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      if (!isUtf8(bytes.subarray(start, i))) return line;
      line += 1;
      start = i + 1;
    }
  }
  return line;
}
