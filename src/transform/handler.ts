import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DuckDbConnection } from '../query/duckdb';
import { LAKE_PATH_FIX, literalFilePath, loadSql, quoteIdentifier, renderSql, type SqlValue } from '../query/sql';
import {
  chartYearId,
  chartYearsOf,
  decodeEventKey,
  FsStore,
  inPool,
  lakeLockKey,
  lakeTableKey,
  lineageKey,
  MUSICBRAINZ_PREFIX,
  parseMusicBrainzKey,
  processIsAlive,
  parseRawKey,
  putAll,
  quarantineChartPrefix,
  quarantineKey,
  rawChartPrefix,
  rawWeekPrefix,
  RAW_KINDS,
  tableFileKey,
  withLocks,
  yearLockKey,
  yearOfWeek,
  type ChartYear,
  type ObjectStore,
  type PutEntry,
  type RawKeyParts,
  type S3Event,
} from '../store';
import { envelopeProblem, regionOfAlias, type RawEnvelope } from '../sources/envelope';
import { ARTIST_NAMES_WITH_COMMAS } from '../sources/artist-names';
import { silentLogger } from '../log';
import { CODE_VERSION } from '../config/version';
import { chartsCsvHeaderProblem, csvContentSha256, MAX_RAW_OBJECT_BYTES } from './csv-file';
import { RawObjectRejected, type CheckFailure } from './errors';
import { CHART_TABLES, FILE_ORDER, LINEAGE_TABLE, type TableName } from './tables';
import { rebuildSongs } from './songs';
import { DEFAULT_LOCK_WAIT_MS, localCopy, makeWorkDir, WORK_PREFIX, type TransformContext } from './context';
import { toTransformedWeek, type LineageRow } from './lineage';
import { splitArtistLists } from './artists';
import { buildSongCredits, copyCreditTable } from './song-credits';

const SQL_DIR = path.join(__dirname, 'sql');
/** Failures kept in a quarantine report per check (a broken file can fail every row). */
const MAX_FAILURES_PER_CHECK = 50;
/**
 * Raw objects named by the batch per DuckDB pass: bounds memory on a backfill of thousands of files (a pass also
 * holds the chart-years' existing rows).
 */
const RAW_OBJECTS_PER_PASS = 1000;
/**
 * Web API envelopes per pass: an enriched week's envelope is ~1.5 MB of JSON (a CSV ~20 KB), and assembling albums
 * from 13 of them already outgrew DuckDB's 512 MB (the demo's 104 did at once). A chart-year with more is split
 * between passes, by weeks: each pass rewrites the chart-year's files with its weeks and the rows of the others as
 * the files hold them.
 */
const ENVELOPES_PER_PASS = 8;
/** Per-week listings up to this many weeks of a chart; past it, one listing of the whole chart. */
const WEEK_LISTINGS_PER_CHART = 8;

/**
 * A full scratch folder, said in the user's terms: which file could not be written, where, and what to do (Node
 * says ENOSPC without the file for a write, DuckDB says it inside an IO Error). Other errors pass unchanged.
 */
function scratchFullError(error: unknown, workDir: string): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if ((error as NodeJS.ErrnoException)?.code !== 'ENOSPC' && !/No space left on device/i.test(message)) return error;
  const file = (error as NodeJS.ErrnoException).path ?? /"([^"]+)"/.exec(message)?.[1] ?? /'([^']+)'/.exec(message)?.[1];
  return new Error(`no space left in the scratch folder ${workDir}${file ? `: could not write ${file}` : ''}; free space there or set TMPDIR to a folder with room`);
}

export interface WeekWarning {
  check: string;
  detail: string;
}

/** A chart week as a transform wrote and committed it (a row of `_lineage`). */
export interface TransformedWeek {
  chart: string;
  week: string;
  runId: string;
  /** Every raw object the week was built from, and the one whose chart rows were kept. */
  rawKeys: string[];
  sourceKey: string;
  sourceKind: string;
  depth: number;
  enriched: boolean;
  rows: Record<TableName, number>;
  warnings: WeekWarning[];
}

export interface TransformResult {
  weeks: TransformedWeek[];
  /** Raw objects of the batch that were refused (each quarantined with its report). */
  refused: RawObjectRejected[];
  /** The table files written (keys), lineage included. */
  files: string[];
}

/**
 * The transform handler: an S3 "object created" event (one record or a whole batch) in, what was written out.
 * The Lambda and the local pipeline both call this. Objects outside `raw/` are ignored, as the S3 notification
 * filter would.
 */
export async function handleTransform(event: S3Event, context: TransformContext): Promise<TransformResult> {
  const keys: string[] = [];
  for (const record of event.Records ?? []) {
    const key = context.store.lakeKeyOf(decodeEventKey(record.s3.object.key));
    if (key !== undefined && parseRawKey(key)) keys.push(key);
    else (context.log ?? silentLogger).log('debug', 'transform ignores an object outside the raw zone', { key: record.s3.object.key });
  }
  return transformRawObjects(keys, context);
}

/**
 * Rebuilds every chart week a raw object of `rawKeys` belongs to, from all the raw objects of that week (DESIGN.md):
 * one DuckDB pass reads them (any number of CSVs in one read), the quality gates refuse what is corrupt and warn on
 * what is imperfect, and each touched chart-year's files are rewritten whole, lineage last (the commit). Writers of
 * one chart-year are serialised by its lock; the week's raw objects are listed under that lock, so two runs that
 * add sources to one week never lose each other's.
 */
export interface TransformOptions {
  /**
   * Rebuild the lake-wide `songs` table after the weeks are written (default true). A bulk import of many batches
   * passes false and rebuilds it once at the end (`rebuildSongs`); `songsAreStale` tells when one is owed.
   */
  songs?: boolean;
}

export async function transformRawObjects(rawKeys: readonly string[], context: TransformContext, options: TransformOptions = {}): Promise<TransformResult> {
  const result: TransformResult = { weeks: [], refused: [], files: [] };
  const batch = new Map<string, RawKeyParts>();
  for (const key of rawKeys) {
    const parts = parseRawKey(key);
    if (!parts) throw new Error(`${key}: not a raw object key (raw/spotify/... or raw/charts-csv/...)`);
    batch.set(key, parts);
  }
  if (batch.size === 0) return result;
  const workDir = context.workDir ?? os.tmpdir();
  // A folder lake's raw objects are read in place: refuse its path before anything is written.
  if (context.store instanceof FsStore) literalFilePath(context.store.root, 'the lake path', LAKE_PATH_FIX);
  await removeAbandonedWork(workDir);
  for (const pass of passesOf(batch)) {
    const locks = pass.chartYears.map((chartYear) => ({ key: yearLockKey(chartYear, 'transform'), subject: { chart: chartYear.chart, week: String(chartYear.year) } }));
    const done = await withLocks(context.store, locks, 'transform', () => transformPass(pass, context, workDir).catch((error: unknown) => {
      throw scratchFullError(error, workDir);
    }), {
      waitMs: DEFAULT_LOCK_WAIT_MS,
      ...context.lock,
    });
    result.weeks.push(...done.weeks);
    result.refused.push(...done.refused);
    result.files.push(...done.files);
  }
  if (result.weeks.length > 0 && options.songs !== false) result.files.push(...(await rebuildSongs(context)).keys);
  return result;
}

/**
 * Rebuilds the lake-wide songwriter tables (`song_credits`, `credit_lookups`) from every raw MusicBrainz lookup of
 * the lake (raw/musicbrainz/; the newest answer per ISRC), under the lake's `credits` lock. Returns the keys written.
 */
export async function rebuildSongCredits(context: TransformContext): Promise<string[]> {
  const workDir = context.workDir ?? os.tmpdir();
  const lock = { key: lakeLockKey('credits'), subject: { chart: 'lake', week: 'credits' } };
  return withLocks(context.store, [lock], 'credits', async () => {
    const work = await makeWorkDir(workDir);
    try {
      const files: string[] = [];
      for (const object of await context.store.list(MUSICBRAINZ_PREFIX)) {
        if (!parseMusicBrainzKey(object.key)) continue;
        const file = await localCopy(context.store, object.key, work);
        if (file) files.push(file);
      }
      const tables = ['song_credits', 'credit_lookups'] as const;
      await context.duck.withConnection(async (connection) => {
        await buildSongCredits(connection, files);
        for (const table of tables) await copyCreditTable(connection, table, path.join(work, `${table}.parquet`));
      });
      const entries = tables.map((table): PutEntry => ({ key: lakeTableKey(table), file: path.join(work, `${table}.parquet`) }));
      await putAll(context.store, entries);
      return entries.map((entry) => entry.key);
    } finally {
      await fs.rm(work, { recursive: true, force: true });
    }
  }, { waitMs: DEFAULT_LOCK_WAIT_MS, ...context.lock });
}

interface Pass {
  chartYears: ChartYear[];
  /** The batch's raw keys of this pass. */
  keys: Map<string, RawKeyParts>;
  /** The chart weeks to rebuild, per chart. */
  weeks: Map<string, Set<string>>;
}

/**
 * Groups the batch by chart-year, in passes of at most `RAW_OBJECTS_PER_PASS` raw objects and `ENVELOPES_PER_PASS`
 * envelopes (a chart-year or a week larger than that alone makes a pass of its own). A week is never split; a
 * chart-year only when it is larger than a pass, and a pass holds one piece of a chart-year at most.
 */
function passesOf(batch: Map<string, RawKeyParts>): Pass[] {
  type Piece = { chartYear: ChartYear; entries: [string, RawKeyParts][]; envelopes: number };
  const weeksOf = new Map<string, Map<string, [string, RawKeyParts][]>>();
  for (const entry of batch) {
    const id = chartYearId(entry[1]);
    const weeks = weeksOf.get(id) ?? new Map<string, [string, RawKeyParts][]>();
    weeks.set(entry[1].week, [...(weeks.get(entry[1].week) ?? []), entry]);
    weeksOf.set(id, weeks);
  }
  const envelopesIn = (entries: [string, RawKeyParts][]) => entries.filter(([, parts]) => parts.kind === 'spotify').length;
  const fits = (size: { objects: number; envelopes: number }, entries: [string, RawKeyParts][]) =>
    size.objects + entries.length <= RAW_OBJECTS_PER_PASS && size.envelopes + envelopesIn(entries) <= ENVELOPES_PER_PASS;
  const pieces: Piece[] = [];
  for (const id of [...weeksOf.keys()].sort()) {
    const weeks = weeksOf.get(id)!;
    let piece: Piece | undefined;
    for (const week of [...weeks.keys()].sort()) {
      const entries = weeks.get(week)!;
      if (!piece || !fits({ objects: piece.entries.length, envelopes: piece.envelopes }, entries)) {
        piece = { chartYear: { chart: entries[0][1].chart, year: yearOfWeek(week) }, entries: [], envelopes: 0 };
        pieces.push(piece);
      }
      piece.entries.push(...entries);
      piece.envelopes += envelopesIn(entries);
    }
  }
  const passes: Pass[] = [];
  let pass: (Pass & { envelopes: number }) | undefined;
  for (const piece of pieces) {
    const sameChartYear = pass?.chartYears.some((chartYear) => chartYear.chart === piece.chartYear.chart && chartYear.year === piece.chartYear.year);
    if (!pass || sameChartYear || !fits({ objects: pass.keys.size, envelopes: pass.envelopes }, piece.entries)) {
      pass = { chartYears: [], keys: new Map(), weeks: new Map(), envelopes: 0 };
      passes.push(pass);
    }
    pass.chartYears.push(piece.chartYear);
    pass.envelopes += piece.envelopes;
    for (const [key, parts] of piece.entries) {
      pass.keys.set(key, parts);
      pass.weeks.set(parts.chart, (pass.weeks.get(parts.chart) ?? new Set()).add(parts.week));
    }
  }
  return passes;
}

/** One raw object as the pass reads it. */
interface RawInput {
  key: string;
  parts: RawKeyParts;
  inBatch: boolean;
  /** The local file DuckDB reads. */
  path: string;
  sha256: string;
  /** A CSV's `csvContentSha256` ('' for an envelope). */
  contentSha256: string;
  size: number;
  sourceKind: string;
  apiMode: string;
  fetchedAt: string;
}

async function transformPass(pass: Pass, context: TransformContext, workDir: string): Promise<TransformResult> {
  const log = context.log ?? silentLogger;
  const now = context.now ?? (() => new Date());
  const started = Date.now();
  const work = await makeWorkDir(workDir);
  try {
    const keys = await listWeekRawObjects(context.store, pass);
    for (const key of pass.keys.keys()) if (!keys.includes(key)) keys.push(key); // listed late by an eventually consistent store
    const failures = new Map<string, CheckFailure[]>();
    const inputs: RawInput[] = [];
    await inPool(keys.sort(), 16, async (key) => {
      const input = await readRawObject(context.store, key, pass.keys.has(key), work);
      if ('failures' in input) failures.set(key, input.failures);
      else inputs.push(input);
    });
    inputs.sort((a, b) => a.key.localeCompare(b.key));

    const runId = `${now().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(4).toString('hex')}`;
    const out = path.join(work, 'out');
    const built = await context.duck.withConnection(async (connection) => {
      await flatten(connection, inputs, failures, now());
      await connection.runScript(renderSql(loadSql(SQL_DIR, 'assemble'), { run_id: runId, code_version: CODE_VERSION, transformed_at: now().toISOString() }, 'assemble.sql'));
      const weeks = await connection.all<LineageRow>(`SELECT chart, CAST(week AS VARCHAR) AS week, run_id, source_key, source_kind, depth, enriched, raw_keys, chart_entries_rows, tracks_rows, track_artists_rows, albums_rows, artists_rows, warnings FROM _lineage`);
      const chartYears = chartYearsOf(weeks);
      if (chartYears.length > 0) await writeChartYears(connection, context.store, chartYears, work, out);
      return { weeks, chartYears };
    });

    // Tables first, lineage last: the lineage row naming the run is what makes the week's rows visible.
    const tableFiles = built.chartYears.flatMap((chartYear) => CHART_TABLES.map((table): PutEntry => ({ key: tableFileKey(table, chartYear), file: outFile(out, table, chartYear) })));
    await putAll(context.store, tableFiles);
    const lineageFiles = built.chartYears.map((chartYear): PutEntry => ({ key: lineageKey(chartYear), file: outFile(out, LINEAGE_TABLE, chartYear) }));
    await putAll(context.store, lineageFiles);

    const refused: RawObjectRejected[] = [];
    for (const [key, found] of failures) {
      if (!pass.keys.has(key)) continue; // a sibling refused earlier keeps its report; it is only left out again
      const report = quarantineKey(key);
      await context.store.put(report, JSON.stringify({ raw_key: key, refused_at: now().toISOString(), failures: found }, null, 2));
      refused.push(new RawObjectRejected(key, found, report));
    }
    // A raw object that passes now is no longer quarantined (deleting only reports that exist: on a versioned
    // bucket a delete of nothing still leaves a delete marker). The reports are listed per chart, not asked for
    // one by one: a pass of 500 CSVs was 500 HEADs (stats) for reports that mostly do not exist.
    const passed = new Set([...pass.keys.keys()].filter((key) => !failures.has(key)).map(quarantineKey));
    const reports: string[] = [];
    for (const chart of pass.weeks.keys()) {
      for (const kind of RAW_KINDS) reports.push(...(await context.store.list(quarantineChartPrefix(kind, chart))).map((object) => object.key));
    }
    await inPool(reports.filter((key) => passed.has(key)), 16, (key) => context.store.delete(key));
    const weeks = built.weeks.map(toTransformedWeek);
    log.log('info', 'transformed', { weeks: weeks.length, refused: refused.length, raw_objects: inputs.length, ms: Date.now() - started });
    return { weeks, refused, files: [...tableFiles, ...lineageFiles].map((entry) => entry.key) };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** Every raw object of the pass's chart weeks (not only the batch's): a week is built from all of them. */
async function listWeekRawObjects(store: ObjectStore, pass: Pass): Promise<string[]> {
  const keys: string[] = [];
  for (const [chart, weeks] of pass.weeks) {
    for (const kind of RAW_KINDS) {
      const prefixes = weeks.size <= WEEK_LISTINGS_PER_CHART ? [...weeks].map((week) => rawWeekPrefix(kind, { chart, week })) : [rawChartPrefix(kind, chart)];
      for (const prefix of prefixes) {
        for (const object of await store.list(prefix)) {
          const parts = parseRawKey(object.key);
          if (parts && parts.chart === chart && weeks.has(parts.week)) keys.push(object.key);
        }
      }
    }
  }
  return keys;
}

/** Reads one raw object and runs the checks that come before SQL (size, CSV header, envelope shape). */
async function readRawObject(store: ObjectStore, key: string, inBatch: boolean, work: string): Promise<RawInput | { failures: CheckFailure[] }> {
  const parts = parseRawKey(key)!;
  const size = (await store.head(key))?.size;
  if (size === undefined) return { failures: [{ check: 'missing', detail: `${key}: no such raw object (deleted after the event?)` }] };
  if (size > MAX_RAW_OBJECT_BYTES) {
    // Refused before reading: no chart week is this large, and reading it would only cost memory.
    return { failures: [{ check: 'too_large', detail: `${parts.name}: ${size} bytes; no chart week is larger than ${MAX_RAW_OBJECT_BYTES} bytes` }] };
  }
  const bytes = await store.get(key);
  if (!bytes) return { failures: [{ check: 'missing', detail: `${key}: no such raw object (deleted after the event?)` }] };
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const contentSha256 = parts.kind === 'charts-csv' ? csvContentSha256(bytes) : '';
  const base = { key, parts, inBatch, sha256, contentSha256, size: bytes.byteLength };
  let sourceKind: string;
  let apiMode = 'none';
  let fetchedAt = '';
  if (parts.kind === 'charts-csv') {
    const problem = chartsCsvHeaderProblem(bytes);
    if (problem) return { failures: [{ check: 'csv_header', detail: `${parts.name}: ${problem}` }] };
    sourceKind = 'charts-csv';
  } else {
    const envelope = parseEnvelope(bytes, key);
    if ('check' in envelope) return { failures: [envelope] };
    if (envelope.chart.alias !== parts.chart || envelope.chart.date !== parts.week) {
      return { failures: [{ check: 'chart_week_mismatch', detail: `the envelope is chart ${envelope.chart.alias} ${envelope.chart.date}, the key says ${parts.chart} ${parts.week}` }] };
    }
    sourceKind = envelope.source.kind;
    apiMode = envelope.source.api_mode;
    fetchedAt = envelope.fetched_at;
  }
  // A folder lake's own file is read in place; anything else is copied to the work folder first.
  let file: string;
  if (store instanceof FsStore) {
    file = store.pathOf(key);
  } else {
    file = path.join(work, 'raw', `${createHash('sha256').update(key).digest('hex').slice(0, 24)}${parts.kind === 'charts-csv' ? '.csv' : '.json'}`);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, bytes);
  }
  return { ...base, path: file, sourceKind, apiMode, fetchedAt };
}

function parseEnvelope(bytes: Buffer, rawKey: string): RawEnvelope | CheckFailure {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return { check: 'json_unreadable', detail: `${rawKey}: ${(error as Error).message}` };
  }
  const problem = envelopeProblem(value);
  if (problem) return { check: 'not_an_envelope', detail: `${rawKey}: ${problem}` };
  return value as RawEnvelope;
}

/**
 * Loads every raw object into the staging tables and runs the gates; refused objects are added to `failures`.
 * All CSVs are read in one `read_csv`; when that fails, each is read alone so the unreadable one is named.
 */
async function flatten(connection: DuckDbConnection, inputs: RawInput[], failures: Map<string, CheckFailure[]>, now: Date): Promise<void> {
  const run = (file: string, values: Record<string, SqlValue> = {}) => connection.runScript(renderSql(loadSql(SQL_DIR, file), values, file));
  await run('tables');
  const idOf = new Map(inputs.map((input, id) => [input.key, id]));
  await run('raw-objects', {
    raw_keys: inputs.map((input) => input.key),
    paths: inputs.map((input) => input.path),
    charts: inputs.map((input) => input.parts.chart),
    weeks: inputs.map((input) => input.parts.week),
    regions: inputs.map((input) => regionOfAlias(input.parts.chart) ?? input.parts.chart),
    source_kinds: inputs.map((input) => input.sourceKind),
    api_modes: inputs.map((input) => input.apiMode),
    fetched_at: inputs.map((input) => input.fetchedAt),
    sha256: inputs.map((input) => input.sha256),
    content_sha256: inputs.map((input) => input.contentSha256),
    in_batch: inputs.map((input) => (input.inBatch ? 1 : 0)),
  });

  // Envelopes first: their artist objects and charts-service artist lists tell the CSV split which names hold ", ".
  for (const input of inputs.filter((candidate) => candidate.parts.kind === 'spotify')) {
    await run('envelope', { raw_path: input.path, raw_id: idOf.get(input.key)!, max_bytes: MAX_RAW_OBJECT_BYTES });
    if (input.sourceKind === 'charts-service' || input.sourceKind === 'playlist') await run(input.sourceKind);
  }
  const csvs = inputs.filter((input) => input.sourceKind === 'charts-csv');
  if (csvs.length > 0) {
    try {
      await run('csv', { paths: csvs.map((input) => input.path) });
    } catch {
      // One unreadable file fails the read of all: read each alone (a failed INSERT inserts nothing), naming it.
      for (const input of csvs) {
        await run('csv', { paths: [input.path] }).catch((error: Error) => {
          failures.set(input.key, [{ check: 'csv_unreadable', detail: `${input.parts.name}: ${csvProblem(error.message)}` }]);
        });
      }
    }
    await run('charts-csv', { known_names: [...ARTIST_NAMES_WITH_COMMAS] });
    await splitArtistLists(connection);
    await run('csv-credits');
  }
  // Unreadable files are refused already: they contribute nothing, and the gates do not speak of them again.
  const unreadable = new Set(inputs.filter((input) => failures.has(input.key)).map((input) => idOf.get(input.key)!));
  if (unreadable.size > 0) await connection.run(`INSERT INTO refusal SELECT UNNEST([${[...unreadable].join(', ')}]), 'unreadable', ''`);
  await run('gates', { today: now.toISOString().slice(0, 10) });

  const perCheck = new Map<string, number>();
  const rows = await connection.all<{ raw_id: number; check_name: string; detail: string }>(`SELECT raw_id, check_name, detail FROM refusal ORDER BY raw_id, check_name`);
  for (const row of rows) {
    if (unreadable.has(row.raw_id)) continue;
    const key = inputs[row.raw_id].key;
    const seen = perCheck.get(`${key}\n${row.check_name}`) ?? 0;
    perCheck.set(`${key}\n${row.check_name}`, seen + 1);
    if (seen < MAX_FAILURES_PER_CHECK) failures.set(key, [...(failures.get(key) ?? []), { check: row.check_name, detail: row.detail }]);
  }
}

/** DuckDB's CSV errors are long and technical: the first line says what is wrong, without the file's content. */
function csvProblem(message: string): string {
  const first = message.split('\n')[0].replace(/^[A-Za-z ]+Error: /, '');
  return first.length > 300 ? `${first.slice(0, 300)}...` : first;
}

/**
 * Writes one Parquet file per table and chart-year below `out/<table>/chart=<c>/year=<y>/part-0.parquet`, sorted by
 * week (and rank): this pass's rows, and the rows of the weeks it did not rebuild from the chart-year's current
 * file. The current file is read by the COPY itself, not copied into the table first (an insert of a 51-week file
 * cost ~10–30 ms a table more); its columns are taken by name, a column it lacks is NULL, and each has the table's
 * type. Every table gets its file, empty or not, so a chart-year always has one file per table.
 */
async function writeChartYears(connection: DuckDbConnection, store: ObjectStore, chartYears: ChartYear[], work: string, out: string): Promise<void> {
  await connection.run('CREATE OR REPLACE TEMP TABLE rebuilt AS SELECT DISTINCT chart, week FROM _lineage');
  for (const table of [...CHART_TABLES, LINEAGE_TABLE] as const) {
    const written = await writtenColumns(connection, table);
    const order = FILE_ORDER[table].join(', ');
    for (const chartYear of chartYears) {
      const existing = await localCopy(store, tableFileKey(table, chartYear), work);
      const rows = [
        `SELECT * FROM ${table} WHERE chart = {{chart}} AND year = {{year}}`,
        ...(existing
          ? [`SELECT * FROM read_parquet({{existing}}, hive_partitioning = true, hive_types = {'chart': VARCHAR, 'year': INTEGER}) ANTI JOIN rebuilt USING (chart, week)`]
          : []),
      ].join(' UNION ALL BY NAME ');
      const file = outFile(out, table, chartYear);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await connection.run(
        renderSql(`COPY (SELECT ${written} FROM (${rows}) ORDER BY ${order}) TO {{file}} (FORMAT parquet, COMPRESSION zstd)`, {
          chart: chartYear.chart,
          year: chartYear.year,
          file,
          ...(existing ? { existing } : {}),
        }),
      );
    }
  }
}

/**
 * The columns of a table's file, each cast to the table's type (tables.sql: the same in every pass, so asked of
 * DuckDB once a process, not in every pass).
 */
const fileColumns = new Map<string, string>();
async function writtenColumns(connection: DuckDbConnection, table: string): Promise<string> {
  let columns = fileColumns.get(table);
  if (columns === undefined) {
    columns = (await connection.all<{ column_name: string; column_type: string }>(`DESCRIBE ${table}`))
      .filter((column) => column.column_name !== 'chart' && column.column_name !== 'year')
      .map((column) => `CAST(${quoteIdentifier(column.column_name)} AS ${column.column_type}) AS ${quoteIdentifier(column.column_name)}`)
      .join(', ');
    fileColumns.set(table, columns);
  }
  return columns;
}

function outFile(out: string, table: string, chartYear: ChartYear): string {
  return path.join(out, table, `chart=${chartYear.chart}`, `year=${chartYear.year}`, 'part-0.parquet');
}


/**
 * Removes the work folders of transforms whose process is gone (killed before its `finally` ran); a folder of a
 * live process, or of a name not ours, is left alone.
 */
async function removeAbandonedWork(dir: string): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = new RegExp(`^(?:${WORK_PREFIX}|chartlake-batch-)(\\d+)-`).exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || processIsAlive(Number(pid))) continue;
    await fs.rm(path.join(dir, name), { recursive: true, force: true });
  }
}

