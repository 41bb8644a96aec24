import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { rawChartPrefix, rawCsvKey, rawWeekPrefix, type ObjectStore } from '../store';
import { chartsCsvHeaderProblem, parseChartsCsvName } from '../transform/csv-file';

export interface ImportedCsv {
  file: string;
  rawKey: string;
  chart: string;
  week: string;
  /** False when the same bytes were already in the lake (the week is transformed again all the same). */
  stored: boolean;
  /** SHA-256 of the bytes. */
  sha256: string;
  /**
   * SHA-256 of the text with a BOM, CRLF line ends and final newlines taken away: a copy of one week's file under
   * another week's name is recognised by it, also when re-saved by a spreadsheet.
   */
  contentSha256: string;
}

/**
 * Stores one Spotify Charts weekly CSV byte for byte in the raw zone; the object-created event then runs the
 * transform. Region and week come from the file name. A different file under a name already in the lake is
 * refused: raw objects are never modified.
 */
export async function importChartsCsv(store: ObjectStore, file: string, bytes: Buffer): Promise<ImportedCsv> {
  const imported = await prepareChartsCsv(store, file, bytes);
  await store.put(imported.rawKey, bytes);
  return imported;
}

/**
 * Every check of `importChartsCsv`, without the write: the caller stores `bytes` at `rawKey` (a bulk import);
 * `earlier` are the files of the same import not stored yet.
 *
 * A chart week has one CSV. Its name is normalised first (`REGIONAL-US-WEEKLY-2023-03-02.CSV` and a browser's
 * `regional-us-weekly-2023-03-02 (1).csv` are that week's `regional-us-weekly-2023-03-02.csv`): the same bytes
 * again change nothing; other bytes for a week the lake already has are refused, naming the object to delete to
 * replace it (two different downloads of one week cannot both be right, and raw objects are never modified).
 * A copy of another week of the same chart (byte for byte, or re-saved: `csvContent`) is refused, naming both weeks.
 */
export async function prepareChartsCsv(store: ObjectStore, file: string, bytes: Buffer, earlier: readonly ImportedCsv[] = []): Promise<ImportedCsv> {
  const fileName = path.basename(file);
  let name;
  try {
    name = parseChartsCsvName(fileName);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message.replace(`${fileName}: `, '')}`);
  }
  const problem = chartsCsvHeaderProblem(bytes);
  if (problem) throw new Error(`${file}: ${problem}`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const content = csvContent(bytes);
  const contentSha256 = createHash('sha256').update(content).digest('hex');
  const rawKey = rawCsvKey(name, name.canonicalName);
  for (const object of await store.list(rawWeekPrefix('charts-csv', name))) {
    const existing = await store.get(object.key);
    if (!existing) continue;
    if (existing.equals(bytes)) return { file, rawKey: object.key, chart: name.chart, week: name.week, stored: false, sha256, contentSha256 };
    throw new Error(`${file}: the lake already holds a different CSV of ${name.chart} week ${name.week} (${object.key}); raw objects are never modified — delete that object first to replace it`);
  }
  const copyOf = earlier.find((entry) => entry.chart === name.chart && entry.week !== name.week && entry.contentSha256 === contentSha256)?.week ?? (await storedWeekWithContent(store, name.chart, name.week, content));
  if (copyOf !== undefined) {
    throw new Error(`${file}: its content is identical to week ${copyOf} of ${name.chart}, not a chart of week ${name.week} (a copy saved under another week's name?); not imported`);
  }
  return { file, rawKey, chart: name.chart, week: name.week, stored: true, sha256, contentSha256 };
}

/**
 * The other week of the chart whose stored CSV has this content (`csvContent`), if any. Only objects of a size the
 * content could have are read: the same bytes, plus at most a BOM, a CR a line and two final line ends.
 */
async function storedWeekWithContent(store: ObjectStore, chart: string, week: string, content: Buffer): Promise<string | undefined> {
  const lines = content.reduce((count, byte) => count + (byte === 0x0a ? 1 : 0), 1);
  for (const object of await store.list(rawChartPrefix('charts-csv', chart))) {
    if (object.size < content.byteLength || object.size > content.byteLength + 3 + lines + 4 || object.key.includes(`/week=${week}/`)) continue;
    const other = await store.get(object.key);
    if (other && csvContent(other).equals(content)) return /\/week=(\d{4}-\d{2}-\d{2})\//.exec(object.key)?.[1];
  }
  return undefined;
}

/** A CSV's text without a UTF-8 BOM, with LF line ends and no final line ends: what stays when a file is re-saved. */
function csvContent(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1'); // byte for byte: the comparison needs no decoding
  return Buffer.from(text.replace(/^\xef\xbb\xbf/, '').replace(/\r\n/g, '\n').replace(/[\r\n]+$/, ''), 'latin1');
}
