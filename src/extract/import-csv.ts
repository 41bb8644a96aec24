import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { parseRawKey, rawChartPrefix, rawCsvKey, type ObjectStore } from '../store';
import { chartsCsvHeaderProblem, csvContent, csvContentSha256, parseChartsCsvName } from '../transform/csv-file';

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
  const imported = await new ChartsCsvImport(store).prepare(file, bytes);
  await store.put(imported.rawKey, bytes);
  return imported;
}

/** A CSV the lake held when the import first looked at its chart. */
interface StoredCsv {
  key: string;
  week: string;
  size: number;
}

/**
 * The checks of one import of many CSVs, without the write: the caller stores each file's bytes at its `rawKey` and
 * tells `remember` (a bulk import stores in batches). The lake's CSVs of a chart are listed once per import, and
 * each is read at most once, so an import of years of weeks does not list and read its chart again for every file.
 *
 * A chart week has one CSV. Its name is normalised first (`REGIONAL-US-WEEKLY-2023-03-02.CSV` and a browser's
 * `regional-us-weekly-2023-03-02 (1).csv` are that week's `regional-us-weekly-2023-03-02.csv`): the same bytes
 * again change nothing; other bytes for a week the lake already has are refused, naming the object to delete to
 * replace it (two different downloads of one week cannot both be right, and raw objects are never modified).
 * A copy of another week of the same chart (byte for byte, or re-saved: `csvContent`) is refused, naming both weeks.
 */
export class ChartsCsvImport {
  private readonly storedOf = new Map<string, Promise<StoredCsv[]>>();
  private readonly storedContent = new Map<string, Promise<string | undefined>>();
  /** This import's files: `chart\ncontent SHA-256` to the week it was imported as. */
  private readonly importedContent = new Map<string, string>();
  /** This import's files: `chart\nweek` to the raw key. */
  private readonly importedKeys = new Map<string, string>();

  /**
   * @param contentOf the content SHA-256 (`csvContentSha256`) of stored CSVs, by raw key, as the lineage of the weeks
   *   built from them records it: those are not read again. Any other stored CSV of a similar size is read.
   */
  constructor(
    private readonly store: ObjectStore,
    private readonly contentOf: ReadonlyMap<string, string> = new Map(),
  ) {}

  async prepare(file: string, bytes: Buffer): Promise<ImportedCsv> {
    const fileName = path.basename(file);
    let name;
    try {
      name = parseChartsCsvName(fileName);
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message.replace(`${fileName}: `, '')}`);
    }
    const problem = chartsCsvHeaderProblem(bytes);
    if (problem) throw new Error(`${file}: ${problem}`);
    const sha256 = sha256Of(bytes);
    const content = csvContent(bytes);
    const contentSha256 = sha256Of(content);
    const rawKey = rawCsvKey(name, name.canonicalName);
    // The week's CSVs: those the lake held when the import began, and the one this import stored (once written).
    const weekKeys = new Set((await this.storedCsvs(name.chart)).filter((object) => object.week === name.week).map((object) => object.key));
    const ownKey = this.importedKeys.get(`${name.chart}\n${name.week}`);
    if (ownKey !== undefined) weekKeys.add(ownKey);
    for (const key of weekKeys) {
      const existing = await this.store.get(key);
      if (!existing) continue;
      if (existing.equals(bytes)) {
        if (!this.storedContent.has(key)) this.storedContent.set(key, Promise.resolve(contentSha256));
        return { file, rawKey: key, chart: name.chart, week: name.week, stored: false, sha256, contentSha256 };
      }
      throw new Error(`${file}: the lake already holds a different CSV of ${name.chart} week ${name.week} (${key}); raw objects are never modified — delete that object first to replace it`);
    }
    const earlier = this.importedContent.get(`${name.chart}\n${contentSha256}`);
    const copyOf = earlier !== undefined && earlier !== name.week ? earlier : await this.storedWeekWithContent(name.chart, name.week, content, contentSha256);
    if (copyOf !== undefined) {
      throw new Error(`${file}: its content is identical to week ${copyOf} of ${name.chart}, not a chart of week ${name.week} (a copy saved under another week's name?); not imported`);
    }
    return { file, rawKey, chart: name.chart, week: name.week, stored: true, sha256, contentSha256 };
  }

  /** A prepared file the caller stored, or is about to: later files are checked against it. */
  remember(entry: ImportedCsv): void {
    const key = `${entry.chart}\n${entry.contentSha256}`;
    if (!this.importedContent.has(key)) this.importedContent.set(key, entry.week);
    this.importedKeys.set(`${entry.chart}\n${entry.week}`, entry.rawKey);
  }

  /** A remembered file the caller could not store after all. */
  forget(entry: ImportedCsv): void {
    const key = `${entry.chart}\n${entry.contentSha256}`;
    if (this.importedContent.get(key) === entry.week) this.importedContent.delete(key);
    if (this.importedKeys.get(`${entry.chart}\n${entry.week}`) === entry.rawKey) this.importedKeys.delete(`${entry.chart}\n${entry.week}`);
  }

  /**
   * The other week of the chart whose stored CSV has this content (`csvContent`), if any. Only objects of a size the
   * content could have are read (the same bytes, plus at most a BOM, a CR a line and two final line ends), each
   * once per import.
   */
  private async storedWeekWithContent(chart: string, week: string, content: Buffer, contentSha256: string): Promise<string | undefined> {
    const candidates = (await this.storedCsvs(chart)).filter((object) => object.week !== week && object.size >= content.byteLength);
    if (candidates.length === 0) return undefined;
    let lines = 1;
    for (let at = content.indexOf(0x0a); at !== -1; at = content.indexOf(0x0a, at + 1)) lines += 1;
    for (const object of candidates) {
      if (object.size > content.byteLength + 3 + lines + 4) continue;
      if ((await this.contentShaOf(object.key)) === contentSha256) return object.week;
    }
    return undefined;
  }

  private storedCsvs(chart: string): Promise<StoredCsv[]> {
    let listed = this.storedOf.get(chart);
    if (!listed) {
      listed = this.store.list(rawChartPrefix('charts-csv', chart)).then((objects) =>
        objects.flatMap((object) => {
          const week = parseRawKey(object.key)?.week;
          return week === undefined ? [] : [{ key: object.key, week, size: object.size }];
        }),
      );
      this.storedOf.set(chart, listed);
    }
    return listed;
  }

  private contentShaOf(key: string): Promise<string | undefined> {
    let sha = this.storedContent.get(key);
    if (!sha) {
      const known = this.contentOf.get(key);
      sha = known !== undefined ? Promise.resolve(known) : this.store.get(key).then((bytes) => (bytes ? csvContentSha256(bytes) : undefined));
      this.storedContent.set(key, sha);
    }
    return sha;
  }
}

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
