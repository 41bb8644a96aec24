import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CATALOG_KEY, crawl, openLakeEngine } from '../catalog';
import { ChartsCsvImport, type ImportedCsv } from '../extract/import-csv';
import { consoleLogger, type Logger } from '../log';
import { DuckDb, type DuckDbEngine } from '../query';
import { inPool, isPerWeekLayoutKey, parseRawKey, putAll, RAW_PREFIX, TRANSFORMED_PREFIX, chartYearId, type ObjectStore } from '../store';
import { MAX_RAW_OBJECT_BYTES, parseChartsCsvName, readRawContents, rebuildSongs, songsAreStale, transformRawObjects, writtenPrefixes, type ChartsCsvName, type RawObjectRejected, type TransformedWeek, type TransformResult } from '../transform';
import { DEFAULT_CHART, handleExtract, type ExtractEvent, type ExtractResult } from '../extract';
import { withWeekLock } from '../store';
import type { SpotifySourceOptions } from '../sources';
import { TransformRouter, type RoutedResult } from './router';

/** Files stored and transformed per batch (bounds memory at any scale; see the batch transform's chunk). */
const BATCH_CHUNK_FILES = 500;
/**
 * Batches transformed at once by an import or an upgrade: a pass runs mostly on one of DuckDB's threads (small
 * statements, a file per chart-year), so two passes keep two cores busy. Batches end where the chart-year changes,
 * so two at once never wait on each other's chart-year lock.
 */
const TRANSFORMS_AT_ONCE = 2;
/**
 * DuckDB's threads while passes run at once: one, so that each pass's statements run on the thread that started
 * them. With a thread per core, the two passes' statements woke each other's threads: the full backfill of the
 * bench took 72 s of CPU and 51.5 s against 55 s and 45.0 s on one. The songs build that follows, a few large
 * statements, runs on every thread again (3.4 s against 5.6 s on one).
 */
const THREADS_WHILE_PASSES_RUN_AT_ONCE = 1;

/**
 * The pipeline on one machine: the object store's events drive the transform exactly as S3 notifications drive
 * the transform Lambda, and the catalog is crawled after each batch, as the Glue crawler is on AWS.
 */
export class LocalPipeline {
  readonly router: TransformRouter;

  private constructor(
    readonly store: ObjectStore,
    readonly duck: DuckDb,
    readonly log: Logger,
  ) {
    this.router = new TransformRouter(store, { store, duck, log });
  }

  static async open(store: ObjectStore, log: Logger = consoleLogger()): Promise<LocalPipeline> {
    return new LocalPipeline(store, await DuckDb.open(), log);
  }

  /**
   * Imports CSV files (folders are searched for `*.csv`), in week order. Each chunk's files are stored first, byte
   * for byte, their object-created events collected instead of routed one by one, and the chunk is transformed as
   * one batch by the same handler the Lambda runs. Chunks are stored in order, the next while others are transformed
   * (the store waits on the disk, the transform on DuckDB), and `TRANSFORMS_AT_ONCE` are transformed at once.
   */
  async importFiles(inputs: string[], listener: ImportListener = {}): Promise<ImportResult> {
    const { files, skipped } = await expandInputs(inputs);
    listener.started?.(files.length);
    const onFile = listener.file ?? (() => {});
    const phase = listener.phase ?? (() => {});
    // A file whose bytes the lake already holds, in a week already built from it, is unchanged: not transformed again.
    // Only the lineage of the files' charts is read (a file whose name says no chart is refused later, by name).
    const charts = [...new Set(files.map(chartOfFile).filter((chart): chart is string => chart !== undefined))];
    const committed = charts.length > 0 ? await readRawContents(this.store, this.duck, charts) : new Map<string, string | null>();
    // The stored CSVs' content, as lineage recorded it: the check for a copy under another week's name reads none.
    const contentOf = new Map([...committed].flatMap(([key, sha]) => (sha ? [[key, sha] as const] : [])));
    const done: ImportProgress = { checks: new ChartsCsvImport(this.store, contentOf), imported: [], failures: [], total: files.length, onFile };
    const unchanged: string[] = [];
    const chunks = chunksOf(files, BATCH_CHUNK_FILES, chartYearOfFile);
    // Chunks are stored in order, each once the one before is stored, and one ahead of the newest transform.
    const stores: Promise<StoredChunk>[] = [];
    const stored = (index: number): Promise<StoredChunk> =>
      (stores[index] ??= (index === 0 ? Promise.resolve() : stored(index - 1).then(() => undefined, () => undefined)).then(() => {
        if (index === 0) phase(`reading and storing ${counted(chunks[0].length, 'file')}${ofBatches(0, chunks.length)}`);
        return this.storeChunk(chunks[index], done);
      }));
    const weeksOf: TransformedWeek[][] = [];
    const progress = new BatchProgress(chunks.length, 'file', phase);
    try {
      await this.passesAtOnce(chunks.length, () => inPool(chunks.map((_, index) => index), TRANSFORMS_AT_ONCE, async (index) => {
        const chunk = await stored(index);
        if (index + 1 < chunks.length) stored(index + 1).catch(() => undefined); // awaited by its transform, or below
        const already = chunk.already.filter((key) => committed.has(key));
        for (const key of already) {
          unchanged.push(chunk.fileOf.get(key) ?? key);
          onFile(chunk.fileOf.get(key) ?? key, files.length);
        }
        const keys = [...chunk.keys, ...chunk.already.filter((key) => !committed.has(key))];
        if (keys.length === 0) return;
        const result = await progress.run(index, keys.length, () => transformRawObjects(keys, this.router.context, { songs: false }));
        const refused = new Map(result.refused.map((error) => [error.rawKey, error]));
        const weekOf = new Map<string, TransformedWeek>();
        for (const week of result.weeks) for (const key of week.rawKeys) weekOf.set(key, week);
        for (const key of keys) {
          const file = chunk.fileOf.get(key) ?? key;
          const error = refused.get(key);
          if (error) done.failures.push({ file, error });
          const week = weekOf.get(key);
          onFile(file, files.length, { key, weeks: week ? [week] : undefined, error });
        }
        weeksOf[index] = result.weeks;
      }));
    } finally {
      await Promise.all(stores.map((storing) => storing.catch(() => undefined))); // never leave a chunk's writes running unobserved
    }
    const weeks = weeksOf.flat();
    // Song identity spans the whole lake: rebuilt once for the import (or when an earlier run did not reach it).
    if (weeks.length > 0 || (await songsAreStale(this.store))) {
      phase('song identity');
      await rebuildSongs(this.router.context);
    }
    if (weeks.length > 0) {
      phase('catalog');
      // Only the folders the import wrote.
      await this.crawl(writtenPrefixes(weeks.map((week) => week.chart)));
    }
    return { imported: done.imported, weeks, unchanged, skipped, failures: done.failures };
  }

  /**
   * Checks and stores one chunk's files (one bulk write, one flush to disk); returns the raw keys their events name,
   * and the keys of files whose identical bytes the lake already held (not written again).
   */
  private async storeChunk(chunk: string[], done: ImportProgress): Promise<StoredChunk> {
    const fileOf = new Map<string, string>();
    const already: string[] = [];
    const keys = await this.router.collect(async () => {
      let pending = new Map<string, { entry: ImportedCsv; bytes: Buffer }>();
      const flush = async () => {
        const batch = [...pending.values()];
        pending = new Map();
        try {
          await putAll(this.store, batch.map(({ entry, bytes }) => ({ key: entry.rawKey, body: bytes })));
          done.imported.push(...batch.map(({ entry }) => entry));
        } catch (error) {
          // Not stored (or not all): each of these files is a failure, none is transformed.
          for (const { entry } of batch) {
            done.checks.forget(entry);
            fileOf.delete(entry.rawKey);
            done.failures.push({ file: entry.file, error: error as Error });
            done.onFile(entry.file, done.total);
          }
        }
      };
      for (const file of chunk) {
        try {
          const bytes = await readInput(file);
          let entry = await done.checks.prepare(file, bytes);
          if (pending.has(entry.rawKey)) {
            // The same week twice in one import: the first is stored before the second is checked against it.
            await flush();
            entry = await done.checks.prepare(file, bytes);
          }
          done.checks.remember(entry);
          fileOf.set(entry.rawKey, file);
          if (!entry.stored) {
            // The same bytes are in the lake already: nothing to write.
            done.imported.push(entry);
            already.push(entry.rawKey);
            continue;
          }
          pending.set(entry.rawKey, { entry, bytes });
        } catch (error) {
          done.failures.push({ file, error: error as Error });
          done.onFile(file, done.total);
        }
      }
      await flush();
    });
    return { keys, already, fileOf };
  }

  /**
   * Extracts one chart week and lets its object-created event run the transform, as the schedule does on AWS.
   * A named week is extracted under the week's `extract` lock, so two runs never fetch it twice at once.
   * Throws when the extract fails (nothing written) or the transform refuses the week (quarantined).
   */
  async extractWeek(event: ExtractEvent, options: SpotifySourceOptions): Promise<ExtractedWeek> {
    if (!event.week) return extractThenSettle(this, event, options);
    const chartWeek = { chart: event.chart ?? DEFAULT_CHART, week: event.week };
    return withWeekLock(this.store, chartWeek, 'extract', () => extractThenSettle(this, { ...event, ...chartWeek }, options));
  }

  /**
   * Rebuilds the transformed zone from the raw zone (which is not changed): every raw object is transformed again,
   * in passes of about `BATCH_CHUNK_FILES` (`TRANSFORMS_AT_ONCE` at once), and files of the per-week layout of
   * chartlake 0.1 are removed. This is how a lake is upgraded to a new layout. Derived tables (forecasts) of the old
   * layout are removed: run forecast again.
   */
  async rebuildFromRaw(listener: RebuildListener = {}): Promise<{ rawObjects: number; weeks: number; refused: RawObjectRejected[]; removed: number }> {
    const keys = (await this.store.list(RAW_PREFIX)).map((object) => object.key).filter((key) => parseRawKey(key) !== undefined);
    listener.started?.(keys.length);
    const old = (await this.store.list(TRANSFORMED_PREFIX)).map((object) => object.key).filter(isPerWeekLayoutKey);
    const oldCatalog = (await this.store.list('catalog/')).map((object) => object.key);
    await inPool([...old, ...oldCatalog, CATALOG_KEY], 16, (key) => this.store.delete(key));
    let weeks = 0;
    const refused: RawObjectRejected[] = [];
    const passes = chunksOf(keys, BATCH_CHUNK_FILES, (key) => {
      const parts = parseRawKey(key);
      return parts && chartYearId(parts);
    });
    const progress = new BatchProgress(passes.length, 'raw object', (doing) => listener.phase?.(doing));
    await this.passesAtOnce(passes.length, () =>
      inPool(passes.map((_, index) => index), TRANSFORMS_AT_ONCE, async (index) => {
        const pass = passes[index];
        const result = await progress.run(index, pass.length, () => transformRawObjects(pass, this.router.context, { songs: false }));
        weeks += result.weeks.length;
        refused.push(...result.refused);
        listener.transformed?.(pass.length, result.weeks.reduce((sum, week) => sum + week.rows.chart_entries, 0));
      }),
    );
    if (weeks > 0) {
      listener.phase?.('song identity');
      await rebuildSongs(this.router.context);
    }
    listener.phase?.('catalog');
    await this.crawl();
    return { rawObjects: keys.length, weeks, refused, removed: old.length };
  }

  /**
   * Runs `work` (which stores raw objects) with the transform held, then transforms everything it stored as one
   * batch: each touched chart-year is written once, not once per object (enrichment of a year of weeks).
   */
  async inOneBatch<T>(work: () => Promise<T>): Promise<{ value: T; transformed: TransformResult }> {
    let value: T | undefined;
    const keys = await this.router.collect(async () => {
      value = await work();
    });
    return { value: value as T, transformed: await transformRawObjects(keys, this.router.context) };
  }

  /** Runs `passes` batches' transforms (`run`), on one DuckDB thread each when more than one run at once. */
  private passesAtOnce<T>(passes: number, run: () => Promise<T>): Promise<T> {
    return passes > 1 && TRANSFORMS_AT_ONCE > 1 ? this.duck.withThreads(THREADS_WHILE_PASSES_RUN_AT_ONCE, run) : run();
  }

  /**
   * Updates the catalog from the files on disk (cheap: a few files per table and chart-year): all of them, or those
   * below the prefixes that `changed` since the last crawl.
   */
  crawl(changed?: readonly string[]) {
    return crawl(this.store, this.duck, { changed });
  }

  /** A query engine over the lake, sharing this pipeline's DuckDB. */
  async engine(): Promise<DuckDbEngine> {
    return openLakeEngine(this.store, { duck: this.duck });
  }

  async close(): Promise<void> {
    await this.router.settle();
    this.router.close();
    this.duck.close();
  }
}

export interface ImportResult {
  /** Every file stored or found already stored (same bytes), with its raw key. */
  imported: ImportedCsv[];
  /** The chart weeks built. */
  weeks: TransformedWeek[];
  /** Files whose bytes the lake already held, in a week already built from them: not transformed again. */
  unchanged: string[];
  /** Files in the folders named that are not `.csv` files. */
  skipped: string[];
  failures: { file: string; error: Error }[];
}

/** What `importFiles` reports as it goes (the CLI's progress line). */
export interface ImportListener {
  /** The number of CSV files found (folders searched), before any is read. */
  started?(total: number): void;
  /** A file is done: transformed, unchanged or refused (`result` says which when it was transformed or refused). */
  file?(file: string, total: number, result?: RoutedResult): void;
  /** The step that runs now, between files: files are transformed in batches, then song identity and the catalog. */
  phase?(doing: string): void;
}

/** What `rebuildFromRaw` reports as it goes (`chartlake upgrade`'s progress line). */
export interface RebuildListener {
  /** The number of raw objects to transform again. */
  started?(rawObjects: number): void;
  /** A pass of raw objects is transformed, into this many chart rows. */
  transformed?(rawObjects: number, rows: number): void;
  phase?(doing: string): void;
}

interface ImportProgress {
  /** Every file of the import is checked against the lake and the import's earlier files. */
  checks: ChartsCsvImport;
  imported: ImportedCsv[];
  failures: { file: string; error: Error }[];
  total: number;
  onFile: (file: string, total: number, result?: RoutedResult) => void;
}

/** "1 file", "1,000 files". */
function counted(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * The batches being transformed, named in the progress step as each starts and ends: "transforming 520 files
 * (batch 2 of 23)", or with two at once "transforming 1,040 files (batches 2 and 3 of 23)".
 */
class BatchProgress {
  private readonly running = new Map<number, number>();

  constructor(
    private readonly batches: number,
    private readonly noun: string,
    private readonly phase: (doing: string) => void,
  ) {}

  async run<T>(index: number, items: number, transform: () => Promise<T>): Promise<T> {
    this.running.set(index, items);
    this.phase(this.doing());
    try {
      return await transform();
    } finally {
      this.running.delete(index);
      if (this.running.size > 0) this.phase(this.doing());
    }
  }

  private doing(): string {
    const indexes = [...this.running.keys()].sort((a, b) => a - b);
    const items = counted([...this.running.values()].reduce((sum, count) => sum + count, 0), this.noun);
    if (indexes.length === 1) return `transforming ${items}${ofBatches(indexes[0], this.batches)}`;
    return `transforming ${items} (batches ${indexes.slice(0, -1).map((index) => index + 1).join(', ')} and ${indexes[indexes.length - 1] + 1} of ${this.batches})`;
  }
}

/** " (batch 2 of 23)" when the work comes in several batches, else nothing. */
function ofBatches(index: number, batches: number): string {
  return batches > 1 ? ` (batch ${index + 1} of ${batches})` : '';
}

/** What `storeChunk` stored: the raw keys to transform, those whose bytes the lake held already, and each key's file. */
interface StoredChunk {
  keys: string[];
  already: string[];
  fileOf: Map<string, string>;
}

/**
 * Splits `items` in order into chunks of `size`, each cut where the chart-year (`chartYearOf`) changes, if that
 * comes before twice the size: files of one chart-year go in one chunk, whose transform locks it.
 */
export function chunksOf<T>(items: readonly T[], size: number, chartYearOf: (item: T) => string | undefined): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let last: string | undefined;
  for (const item of items) {
    const chartYear = chartYearOf(item);
    if (chunk.length >= 2 * size || (chunk.length >= size && chartYear !== last)) {
      chunks.push(chunk);
      chunk = [];
    }
    chunk.push(item);
    last = chartYear;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** The chart-year ("regional-us-weekly/2023") of a CSV whose name says its chart and week, else undefined. */
function chartYearOfFile(file: string): string | undefined {
  const name = csvNameOf(file);
  return name && chartYearId(name);
}

/** The chart a CSV's name says, or undefined when it says none. */
function chartOfFile(file: string): string | undefined {
  return csvNameOf(file)?.chart;
}

/** What a CSV's name says (chart, week), or undefined when it is no Charts export's name (refused later, by name). */
function csvNameOf(file: string): ChartsCsvName | undefined {
  try {
    return parseChartsCsvName(path.basename(file));
  } catch {
    return undefined;
  }
}

async function readInput(file: string): Promise<Buffer> {
  try {
    const handle = await fs.open(file, 'r');
    try {
      // Refused before reading: a file this large is not a chart week (and would only cost memory).
      const { size } = await handle.stat();
      if (size > MAX_RAW_OBJECT_BYTES) throw new Error(`${size} bytes, larger than any chart week (limit ${MAX_RAW_OBJECT_BYTES} bytes); not imported`);
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

/**
 * Files named directly, and the `*.csv` files of named folders and their subfolders, sorted by name within each
 * folder (which sorts by week); `*.csv.gz` files too, so the import reports them (compressed: gunzip first) instead
 * of skipping them silently. Other files found in folders are returned as skipped, so the import can say so.
 */
async function expandInputs(inputs: string[]): Promise<{ files: string[]; skipped: string[] }> {
  const files: string[] = [];
  const skipped: string[] = [];
  const walk = async (dir: string) => {
    const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (/\.csv(\.gz)?$/i.test(entry.name)) files.push(full);
      else if (!entry.name.startsWith('.')) skipped.push(full);
    }
  };
  for (const input of inputs) {
    const stat = await fs.stat(input).catch(() => undefined);
    if (stat?.isDirectory()) await walk(input);
    else files.push(input); // a missing file is reported by readInput, naming it
  }
  return { files, skipped };
}

export interface ExtractedWeek {
  extract: ExtractResult;
  /** What the transforms started by the extract's object-created event wrote. */
  weeks: TransformedWeek[];
}

/** Runs the extract handler, then waits for the transforms its raw object's event started; a refused week throws. */
export async function extractThenSettle(
  parts: { store: ObjectStore; router: TransformRouter; log: Logger },
  event: ExtractEvent,
  options: SpotifySourceOptions,
): Promise<ExtractedWeek> {
  const extract = await handleExtract(event, { store: parts.store, options, log: parts.log });
  const weeks: TransformedWeek[] = [];
  for (const routed of await parts.router.settle()) {
    if (routed.error) throw routed.error;
    weeks.push(...(routed.weeks ?? []));
  }
  return { extract, weeks };
}
