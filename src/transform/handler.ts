import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DuckDb, DuckDbConnection } from '../query/duckdb';
import { loadSql, renderSql, type SqlValue } from '../query/sql';
import {
  decodeEventKey,
  getRequired,
  lineageKey,
  parseRawKey,
  partitionKey,
  quarantineKey,
  type ObjectStore,
  type RawKeyParts,
  type S3Event,
} from '../store';
import { envelopeProblem, regionOfAlias, type RawEnvelope } from '../sources/envelope';
import { silentLogger, type Logger } from '../log';
import { CODE_VERSION } from '../config/version';
import { chartsCsvHeaderProblem, MAX_RAW_OBJECT_BYTES } from './csv-file';
import { withWeekLock, type WeekLockOptions } from '../store/lock';
import { RawObjectRejected, type CheckFailure } from './errors';
import { TABLES, type TableName } from './tables';

const SQL_DIR = path.join(__dirname, 'sql');
/** Failures kept in a quarantine report per check (a broken file can fail every row). */
const MAX_FAILURES_PER_CHECK = 50;

export interface TransformContext {
  store: ObjectStore;
  duck: DuckDb;
  /** Scratch folder (on Lambda, below /tmp). */
  workDir?: string;
  log?: Logger;
  now?: () => Date;
  /** The week lock (stale timeout, how long to wait for another run of the same week). */
  lock?: WeekLockOptions;
}

/** A transform waits this long for another run of the same week before it gives up. */
const DEFAULT_LOCK_WAIT_MS = 15 * 60_000;

export interface TransformedWeek {
  rawKey: string;
  chart: string;
  week: string;
  rows: Record<TableName, number>;
  partitions: string[];
}

export interface Lineage {
  raw: { key: string; size: number; sha256: string };
  chart: string;
  week: string;
  code_version: string;
  transformed_at: string;
  rows: Record<TableName, number>;
  partitions: string[];
}

/**
 * The transform handler: an S3 "object created" event in, the written partitions out. The Lambda and the
 * local runner both call this. Objects outside `raw/` are ignored, as the S3 notification filter would.
 */
export async function handleTransform(event: S3Event, context: TransformContext): Promise<TransformedWeek[]> {
  const done: TransformedWeek[] = [];
  for (const record of event.Records ?? []) {
    const key = context.store.lakeKeyOf(decodeEventKey(record.s3.object.key));
    if (key === undefined || !parseRawKey(key)) {
      (context.log ?? silentLogger).log('debug', 'transform ignores an object outside the raw zone', { key: record.s3.object.key });
      continue;
    }
    done.push(await transformRawObject(key, context));
  }
  return done;
}

/** Transforms one raw object into the five partitions of its chart week, replacing them whole. */
export async function transformRawObject(rawKey: string, context: TransformContext): Promise<TransformedWeek> {
  const parts = parseRawKey(rawKey);
  if (!parts) throw new Error(`${rawKey}: not a raw object key (raw/spotify/... or raw/charts-csv/...)`);
  // One transform of a chart week at a time, across processes: a second run waits, then writes the same rows.
  return withWeekLock(context.store, parts, 'transform', () => transformLocked(rawKey, parts, context), {
    waitMs: DEFAULT_LOCK_WAIT_MS,
    ...context.lock,
  });
}

async function transformLocked(rawKey: string, parts: RawKeyParts, context: TransformContext): Promise<TransformedWeek> {
  const log = context.log ?? silentLogger;
  const now = context.now ?? (() => new Date());
  const started = Date.now();
  const size = (await context.store.head(rawKey))?.size;
  if (size !== undefined && size > MAX_RAW_OBJECT_BYTES) {
    // Refused before reading: no chart week is this large, and reading it would only cost memory.
    const failures = [{ check: 'too_large', detail: `${parts.name}: ${size} bytes; no chart week is larger than ${MAX_RAW_OBJECT_BYTES} bytes` }];
    const report = quarantineKey(rawKey);
    await context.store.put(report, JSON.stringify({ raw_key: rawKey, refused_at: now().toISOString(), failures }, null, 2));
    throw new RawObjectRejected(rawKey, failures, report);
  }
  const bytes = await getRequired(context.store, rawKey);

  const work = await fs.mkdtemp(path.join(context.workDir ?? os.tmpdir(), 'chartlake-transform-'));
  try {
    const rawPath = path.join(work, parts.kind === 'spotify' ? 'raw.json' : 'raw.csv');
    await fs.writeFile(rawPath, bytes);

    const outcome = await context.duck.withConnection(async (connection) => {
      const failures = await flatten(connection, parts, rawKey, rawPath, bytes, now());
      if (failures.length > 0) return { failures, files: undefined };
      return { failures: undefined, files: await exportTables(connection, work) };
    });
    if (outcome.failures) {
      const report = quarantineKey(rawKey);
      await context.store.put(report, JSON.stringify({ raw_key: rawKey, refused_at: now().toISOString(), failures: outcome.failures }, null, 2));
      throw new RawObjectRejected(rawKey, outcome.failures, report);
    }

    const chartWeek = { chart: parts.chart, week: parts.week };
    const rows = {} as Record<TableName, number>;
    const partitions: string[] = [];
    for (const table of TABLES) {
      const key = partitionKey(table, chartWeek);
      const file = outcome.files[table];
      await context.store.put(key, await fs.readFile(file.path));
      rows[table] = file.rows;
      partitions.push(key);
    }
    const lineage: Lineage = {
      raw: { key: rawKey, size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') },
      chart: parts.chart,
      week: parts.week,
      code_version: CODE_VERSION,
      transformed_at: now().toISOString(),
      rows,
      partitions,
    };
    await context.store.put(lineageKey(chartWeek), JSON.stringify(lineage, null, 2));
    // A week that passes now is no longer quarantined.
    await context.store.delete(quarantineKey(rawKey));
    log.log('info', 'transformed', { raw: rawKey, rows: rows.chart_entries, ms: Date.now() - started });
    return { rawKey, chart: parts.chart, week: parts.week, rows, partitions };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** Loads the raw object into the temp tables and returns the quality failures (none = the week may be written). */
async function flatten(
  connection: DuckDbConnection,
  parts: RawKeyParts,
  rawKey: string,
  rawPath: string,
  bytes: Buffer,
  now: Date,
): Promise<CheckFailure[]> {
  const run = (file: string, values: Record<string, SqlValue> = {}) =>
    connection.runScript(renderSql(loadSql(SQL_DIR, file), values, file));
  const region = regionOfAlias(parts.chart) ?? parts.chart;
  await run('tables');

  let allowedSizes: number[];
  let enriched = false;
  if (parts.kind === 'charts-csv') {
    const problem = chartsCsvHeaderProblem(bytes);
    if (problem) return [{ check: 'csv_header', detail: `${parts.name}: ${problem}` }];
    try {
      await run('charts-csv', { raw_path: rawPath, region });
    } catch (error) {
      return [{ check: 'csv_unreadable', detail: `${parts.name}: ${firstLine((error as Error).message)}` }];
    }
    const parseFailures = await failuresOf(connection, loadSql(SQL_DIR, 'csv-checks'));
    if (parseFailures.length > 0) return parseFailures;
    allowedSizes = [200];
  } else {
    const envelope = parseEnvelope(bytes, rawKey);
    if ('check' in envelope) return [envelope];
    if (envelope.chart.alias !== parts.chart || envelope.chart.date !== parts.week) {
      return [{ check: 'chart_week_mismatch', detail: `the envelope is chart ${envelope.chart.alias} ${envelope.chart.date}, the key says ${parts.chart} ${parts.week}` }];
    }
    await run('envelope', { raw_path: rawPath });
    await run(envelope.source.kind, { region });
    enriched = envelope.source.api_mode !== 'none';
    // The public charts service gives 50 entries, a logged-in one 200; a playlist has what it has.
    allowedSizes = envelope.source.kind === 'charts-service' ? [50, 200] : [envelope.entries.length];
  }
  await run('dimensions');
  const checks = renderSql(loadSql(SQL_DIR, 'checks'), {
    week: parts.week,
    today: now.toISOString().slice(0, 10),
    allowed_sizes: allowedSizes,
    enriched,
  }, 'checks.sql');
  return failuresOf(connection, checks);
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

async function failuresOf(connection: DuckDbConnection, sql: string): Promise<CheckFailure[]> {
  const rows = await connection.all<{ check_name: string; detail: string }>(sql);
  const perCheck = new Map<string, number>();
  const failures: CheckFailure[] = [];
  for (const row of rows) {
    const seen = perCheck.get(row.check_name) ?? 0;
    perCheck.set(row.check_name, seen + 1);
    if (seen < MAX_FAILURES_PER_CHECK) failures.push({ check: row.check_name, detail: row.detail });
  }
  return failures;
}

async function exportTables(connection: DuckDbConnection, work: string): Promise<Record<TableName, { path: string; rows: number }>> {
  const files = {} as Record<TableName, { path: string; rows: number }>;
  for (const table of TABLES) {
    const file = path.join(work, `${table}-${randomBytes(4).toString('hex')}.parquet`);
    await connection.run(renderSql(`COPY ${table} TO {{file}} (FORMAT parquet, COMPRESSION zstd)`, { file }));
    const [{ n }] = await connection.all<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
    files[table] = { path: file, rows: n };
  }
  return files;
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}
