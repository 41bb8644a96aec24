import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DuckDbConnection } from '../query/duckdb';
import { loadSql, renderSql, type SqlValue } from '../query/sql';
import { FsStore, getRequired, inPool, lineageKey, parseRawKey, partitionKey, putAll, quarantineKey, type PutEntry, type RawKeyParts } from '../store';
import { regionOfAlias } from '../sources/envelope';
import { silentLogger } from '../log';
import { CODE_VERSION } from '../config/version';
import { acquireWeekLock, WeekLockedError, type HeldLock } from '../store/lock';
import { chartsCsvHeaderProblem, MAX_RAW_OBJECT_BYTES } from './csv-file';
import { transformRawObject, type Lineage, type TransformContext, type TransformedWeek } from './handler';
import { TABLES, type TableName } from './tables';

const SQL_DIR = path.join(__dirname, 'sql');
/**
 * Raw objects per DuckDB pass: bounds memory (a partitioned COPY keeps one Parquet writer open per week; 500 weeks
 * peak near 600 MB, 1000 near 800 MB, with about the same time per file).
 */
const DEFAULT_CHUNK = 500;
/** Week locks taken or released at the same time (each is a small write that waits on the disk). */
const LOCK_CONCURRENCY = 16;
/** Work folders are `chartlake-batch-<pid>-<random>`: the pid tells whether their process is gone. */
const WORK_PREFIX = 'chartlake-batch-';

export interface BatchResult {
  rawKey: string;
  week?: TransformedWeek;
  error?: Error;
}

export interface BatchOptions {
  chunkSize?: number;
}

interface BatchFile {
  fileId: number;
  rawKey: string;
  parts: RawKeyParts;
  /** The file DuckDB reads: the lake's own file for a folder lake, else a copy in the work folder. */
  path: string;
  size: number;
  sha256: string;
}

/**
 * Transforms many raw objects with the same result as `transformRawObject` on each, in order: the same
 * partitions, rows, types, lineage and quality gates per chart week. Charts CSVs are read by one DuckDB pass per
 * chunk (read_csv over the list, checks grouped by file, one partitioned COPY per table); a week that fails a gate,
 * an unreadable chunk, a raw JSON envelope, or a chart week named twice goes through `transformRawObject` alone,
 * which quarantines it exactly as the event path does. Results come back in the order of `rawKeys`.
 */
export async function transformRawBatch(rawKeys: string[], context: TransformContext, options: BatchOptions = {}): Promise<BatchResult[]> {
  const chunk = options.chunkSize ?? DEFAULT_CHUNK;
  await removeAbandonedWork(context.workDir ?? os.tmpdir());
  const results = new Map<string, BatchResult>();
  for (let start = 0; start < rawKeys.length; start += chunk) {
    for (const result of await transformChunk(rawKeys.slice(start, start + chunk), context)) results.set(result.rawKey, result);
  }
  return rawKeys.map((rawKey) => results.get(rawKey)!);
}

async function transformChunk(rawKeys: string[], context: TransformContext): Promise<BatchResult[]> {
  const log = context.log ?? silentLogger;
  const now = context.now ?? (() => new Date());
  const started = Date.now();
  const results = new Map<string, BatchResult>();
  const alone: string[] = [];

  // A chart week named by more than one raw object keeps the event path's order: each alone, the last one wins.
  const weekCount = new Map<string, number>();
  const unique = [...new Set(rawKeys)];
  for (const rawKey of unique) {
    const parts = parseRawKey(rawKey);
    if (parts) weekCount.set(`${parts.chart}/${parts.week}`, (weekCount.get(`${parts.chart}/${parts.week}`) ?? 0) + 1);
  }

  const work = await fs.mkdtemp(path.join(context.workDir ?? os.tmpdir(), `${WORK_PREFIX}${process.pid}-`));
  try {
    const files: BatchFile[] = [];
    for (const rawKey of unique) {
      const parts = parseRawKey(rawKey);
      if (!parts || parts.kind !== 'charts-csv' || weekCount.get(`${parts.chart}/${parts.week}`)! > 1) {
        alone.push(rawKey);
        continue;
      }
      const size = (await context.store.head(rawKey))?.size;
      const bytes = size === undefined || size > MAX_RAW_OBJECT_BYTES ? undefined : await getRequired(context.store, rawKey);
      if (!bytes || chartsCsvHeaderProblem(bytes)) {
        alone.push(rawKey);
        continue;
      }
      let file: string;
      if (context.store instanceof FsStore) {
        file = context.store.pathOf(rawKey);
      } else {
        file = path.join(work, 'raw', `${files.length}.csv`);
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file, bytes);
      }
      files.push({ fileId: files.length, rawKey, parts, path: file, size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') });
    }

    const out = path.join(work, 'out');
    const outcome = files.length === 0 ? undefined : await context.duck.withConnection((connection) => flattenBatch(connection, files, out, now()));
    if (outcome === undefined) {
      alone.unshift(...files.map((file) => file.rawKey)); // unreadable as a batch: each file alone names its problem
    } else {
      const passing = files.filter((file) => !outcome.rejected.has(file.fileId));
      alone.push(...files.filter((file) => outcome.rejected.has(file.fileId)).map((file) => file.rawKey));
      alone.push(...(await writeWeeks(passing, outcome.rows, out, context, now, results)));
      log.log('info', 'transformed a batch', { weeks: passing.length, refused: outcome.rejected.size, ms: Date.now() - started });
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }

  const order = new Map(unique.map((rawKey, index) => [rawKey, index]));
  for (const rawKey of alone.sort((a, b) => order.get(a)! - order.get(b)!)) {
    try {
      results.set(rawKey, { rawKey, week: await transformRawObject(rawKey, context) });
    } catch (error) {
      results.set(rawKey, { rawKey, error: error as Error });
    }
  }
  return unique.map((rawKey) => results.get(rawKey)!);
}

/**
 * One DuckDB pass: every file's rows, the failing files, and one Parquet file per table and passing chart week
 * below `out/<table>/chart=<chart>/week=<week>/part-0.parquet`. `undefined` when the files cannot be read together.
 */
async function flattenBatch(
  connection: DuckDbConnection,
  files: BatchFile[],
  out: string,
  now: Date,
): Promise<{ rejected: Set<number>; rows: Map<number, Record<TableName, number>> } | undefined> {
  const run = (file: string, values: Record<string, SqlValue> = {}) => connection.runScript(renderSql(loadSql(SQL_DIR, file), values, file));
  await fs.mkdir(out, { recursive: true });
  await run('tables');
  const paths = files.map((file) => file.path);
  await run('batch-files', {
    paths,
    charts: files.map((file) => file.parts.chart),
    weeks: files.map((file) => file.parts.week),
    regions: files.map((file) => regionOfAlias(file.parts.chart) ?? file.parts.chart),
  });
  try {
    await run('batch-charts-csv', { paths });
  } catch {
    return undefined;
  }
  const failing = await connection.all<{ file_id: number }>(renderSql(loadSql(SQL_DIR, 'batch-checks'), { today: now.toISOString().slice(0, 10) }, 'batch-checks.sql'));
  const rejected = new Set(failing.map((row) => row.file_id));
  await connection.run(renderSql('CREATE TEMP TABLE batch_rejected AS SELECT UNNEST({{file_ids}}) AS file_id', { file_ids: [...rejected, -1] }));

  // Every partition stays one file: DuckDB opens a new file for a partition it had to close.
  await connection.run(`SET partitioned_write_max_open_files = ${files.length + 16}`);
  const rows = new Map<number, Record<TableName, number>>(files.map((file) => [file.fileId, Object.fromEntries(TABLES.map((table) => [table, 0])) as Record<TableName, number>]));
  for (const table of TABLES) {
    const target = path.join(out, table);
    // `chart` and `week` become the folders only (PARTITION_BY does not write them into the files). A partitioned
    // COPY does not keep an ORDER BY within a partition (DuckDB 1.5, on any thread count): the rows are the
    // per-week rows, their order in the file may differ; readers order by columns, never by file position.
    await connection.run(
      renderSql(
        `COPY (
           SELECT f.chart, f.week, t.* EXCLUDE (file_id)
           FROM batch_${table} AS t JOIN batch_file AS f USING (file_id)
           WHERE t.file_id NOT IN (SELECT file_id FROM batch_rejected)
         ) TO {{target}} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (chart, week), FILENAME_PATTERN 'part-{i}')`,
        { target },
      ),
    );
    // A week with no row of a table still gets its (empty) file, as the per-week COPY writes one.
    await connection.run(renderSql(`COPY (SELECT * EXCLUDE (file_id) FROM batch_${table} LIMIT 0) TO {{file}} (FORMAT parquet, COMPRESSION zstd)`, { file: path.join(out, `${table}-empty.parquet`) }));
    for (const row of await connection.all<{ file_id: number; n: number }>(`SELECT file_id, count(*) AS n FROM batch_${table} GROUP BY file_id`)) {
      rows.get(row.file_id)![table] = row.n;
    }
  }
  return { rejected, rows };
}

/**
 * Writes the passing weeks of a chunk as `transformRawObject` writes one: under each week's transform lock, the
 * five partitions, then (once all partitions are in place) the lineage that describes them, then the quarantine
 * report is dropped. The locks are taken without waiting, so two imports never wait on each other while holding
 * some: a week another run holds is returned, to go through `transformRawObject` alone (which waits its turn).
 * The writes are bulk (`putAll`): the DuckDB files are moved into place and the store flushes them together.
 */
async function writeWeeks(
  files: BatchFile[],
  rows: Map<number, Record<TableName, number>>,
  out: string,
  context: TransformContext,
  now: () => Date,
  results: Map<string, BatchResult>,
): Promise<string[]> {
  const busy: string[] = [];
  const locked: { file: BatchFile; lock: HeldLock }[] = [];
  try {
    await inPool(files, LOCK_CONCURRENCY, async (file) => {
      try {
        locked.push({ file, lock: await acquireWeekLock(context.store, file.parts, 'transform', { ...context.lock, waitMs: 0 }) });
      } catch (error) {
        if (!(error instanceof WeekLockedError)) throw error;
        busy.push(file.rawKey);
      }
    });
    locked.sort((a, b) => a.file.fileId - b.file.fileId);
    const empty = Object.fromEntries(await Promise.all(TABLES.map(async (table) => [table, await fs.readFile(path.join(out, `${table}-empty.parquet`))]))) as Record<TableName, Buffer>;
    const weeks = locked.map(({ file }) => {
      const chartWeek = { chart: file.parts.chart, week: file.parts.week };
      const counts = rows.get(file.fileId)!;
      const partitions = TABLES.map((table): PutEntry => {
        const key = partitionKey(table, chartWeek);
        return counts[table] > 0
          ? { key, file: path.join(out, table, `chart=${chartWeek.chart}`, `week=${chartWeek.week}`, 'part-0.parquet') }
          : { key, body: empty[table] };
      });
      return { file, chartWeek, rows: counts, partitions };
    });
    try {
      await putAll(context.store, weeks.flatMap((week) => week.partitions));
      const transformedAt = now().toISOString();
      await putAll(context.store, weeks.map((week): PutEntry => {
        const lineage: Lineage = {
          raw: { key: week.file.rawKey, size: week.file.size, sha256: week.file.sha256 },
          chart: week.chartWeek.chart,
          week: week.chartWeek.week,
          code_version: CODE_VERSION,
          transformed_at: transformedAt,
          rows: week.rows,
          partitions: week.partitions.map((entry) => entry.key),
        };
        return { key: lineageKey(week.chartWeek), body: JSON.stringify(lineage, null, 2) };
      }));
      await inPool(weeks, LOCK_CONCURRENCY, (week) => context.store.delete(quarantineKey(week.file.rawKey)));
      for (const week of weeks) {
        const partitions = week.partitions.map((entry) => entry.key);
        results.set(week.file.rawKey, { rawKey: week.file.rawKey, week: { rawKey: week.file.rawKey, ...week.chartWeek, rows: week.rows, partitions } });
      }
    } catch (error) {
      for (const week of weeks) results.set(week.file.rawKey, { rawKey: week.file.rawKey, error: error as Error });
    }
  } finally {
    await inPool(locked, LOCK_CONCURRENCY, ({ lock }) => lock.release());
  }
  return busy;
}

/**
 * Removes the work folders of batch transforms whose process is gone (killed before its `finally` ran); a folder
 * of a live process, or of a name not ours, is left alone.
 */
async function removeAbandonedWork(dir: string): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = new RegExp(`^${WORK_PREFIX}(\\d+)-`).exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || processIsAlive(Number(pid))) continue;
    await fs.rm(path.join(dir, name), { recursive: true, force: true });
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
