import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { openLakeEngine } from '../src/catalog';
import { silentLogger, type Logger } from '../src/log';
import { LocalPipeline } from '../src/pipeline';
import { listSavedAnalyses, loadSql, MissingTableError, runSavedAnalysis, splitStatements } from '../src/query';
import { FsStore } from '../src/store';
import { FULL_SONG_STEPS } from '../src/transform';
import { duckdbOnlyImport, type LimitLayout } from './limit';
import { usualImport } from './usual';

/** What every measured step reports; run in a child process, `maxRssMb` is that process's peak. */
export interface StepResult {
  ms: number;
  rows: number;
  maxRssMb: number;
  detail?: Record<string, unknown>;
}

export interface BackfillArgs {
  files: string[];
  lake: string;
}

export interface IncrementArgs {
  /** The lake to grow (already holding its weeks). */
  lake: string;
  /** One file per increment: each adds one chart week to the lake. */
  files: string[];
  /** How many of the first files warm the process up, unmeasured (a first import loads what later ones reuse). */
  warmUp?: number;
}

export interface QueryArgs {
  lake: string;
  chart: string;
  from: string;
  to: string;
  runs: number;
}

export interface QueryTiming {
  name: string;
  title: string;
  /** A fresh DuckDB database (as a new process has): opening the lake's views, then the first run. */
  freshMs: number;
  /** Of `freshMs`, opening the lake (catalog and views). */
  openMs: number;
  /** Warm runs in the same database, after the first. */
  medianMs: number;
  runsMs: number[];
  rows: number;
  /** Why it did not run: a table the bench lake lacks (song_credits: no songwriter lookups in a generated lake). */
  skipped?: string;
}

/** A logger that keeps the `ms` of the transform's `transformed` and `songs rebuilt` events. */
function timingLogger(): Logger & { passMs: number[]; songsMs: number[] } {
  const passMs: number[] = [];
  const songsMs: number[] = [];
  return {
    passMs,
    songsMs,
    log(_level, message, fields) {
      const ms = Number(fields?.ms);
      if (message === 'transformed' && Number.isFinite(ms)) passMs.push(ms);
      if (message === 'songs rebuilt' && Number.isFinite(ms)) songsMs.push(ms);
    },
  };
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `chartlake import` of every file into an empty lake (what `npm run chartlake -- import <dir>` does). */
export async function backfill({ files, lake }: BackfillArgs): Promise<StepResult> {
  const timings = timingLogger();
  const pipeline = await LocalPipeline.open(new FsStore(lake), timings);
  try {
    const started = performance.now();
    const result = await pipeline.importFiles(files);
    const ms = performance.now() - started;
    if (result.failures.length > 0) throw new Error(`backfill failed: ${result.failures[0].error.message}`);
    const rows = result.weeks.reduce((total, week) => total + week.rows.chart_entries, 0);
    // Each batch of the import ends with a rebuild of the lake-wide songs table over every committed week so far.
    const detail = { weeks: result.weeks.length, passMs: sum(timings.passMs), songsMs: sum(timings.songsMs), songsRuns: timings.songsMs };
    return { ms, rows, maxRssMb: peakRssMb(), detail };
  } finally {
    await pipeline.close();
  }
}

export async function limit({ files, out, layout }: { files: string[]; out: string; layout: LimitLayout }): Promise<StepResult> {
  const started = performance.now();
  const { rows, copyMs, duckMs, tablesMs, songsMs } = await duckdbOnlyImport(files, out, layout);
  return { ms: performance.now() - started, rows, maxRssMb: peakRssMb(), detail: { copyMs, duckMs, tablesMs, songsMs } };
}

export async function usual({ files, out }: { files: string[]; out: string }): Promise<StepResult> {
  const started = performance.now();
  const { rows } = await usualImport(files, out);
  return { ms: performance.now() - started, rows, maxRssMb: peakRssMb() };
}

/**
 * Adds one chart week at a time, as the weekly run does: the raw object is stored, its event runs the transform,
 * the catalog is crawled, and the views are created for the next query. Reports the median over the files.
 */
export async function increment({ lake, files, warmUp = 0 }: IncrementArgs): Promise<StepResult> {
  const timings = timingLogger();
  const pipeline = await LocalPipeline.open(new FsStore(lake), timings);
  try {
    const importMs: number[] = [];
    const viewsMs: number[] = [];
    const queryMs: number[] = [];
    const totals: number[] = [];
    let rows = 0;
    for (const [index, file] of files.entries()) {
      const measured = index >= warmUp;
      const started = performance.now();
      const result = await pipeline.importFiles([file]);
      const imported = performance.now();
      if (result.failures.length > 0) throw new Error(`increment failed: ${result.failures[0].error.message}`);
      const [week] = result.weeks;
      // What the next query pays: a fresh database opens the lake's views and reads the new week.
      const engine = await openLakeEngine(new FsStore(lake));
      const opened = performance.now();
      const answer = await engine.query('SELECT count(*) AS n FROM chart_entries WHERE chart = ? AND week = CAST(? AS DATE)', [week.chart, week.week]);
      await engine.close();
      const done = performance.now();
      if (Number(answer.rows[0].n) !== week.rows.chart_entries) throw new Error(`increment: the next query saw ${String(answer.rows[0].n)} rows of ${week.chart} ${week.week}`);
      if (!measured) {
        // What the warm-up logged is not measured either.
        timings.passMs.length = 0;
        timings.songsMs.length = 0;
        continue;
      }
      importMs.push(imported - started);
      viewsMs.push(opened - imported);
      queryMs.push(done - opened);
      totals.push(done - started);
      rows += result.weeks.reduce((total, item) => total + item.rows.chart_entries, 0);
    }
    const detail = { importMs: median(importMs), passMs: median(timings.passMs), songsMs: median(timings.songsMs), viewsMs: median(viewsMs), queryMs: median(queryMs), runsMs: totals };
    return { ms: median(totals), rows, maxRssMb: peakRssMb(), detail };
  } finally {
    await pipeline.close();
  }
}

/** Each saved analysis over the whole lake: one warm-up, then the median of `runs`. Picks up every analysis file. */
export async function queries({ lake, chart, from, to, runs }: QueryArgs): Promise<StepResult> {
  const store = new FsStore(lake);
  const timings: QueryTiming[] = [];
  // The first engine of a process loads what later ones find loaded (DuckDB's code paths, the lake's files in the
  // page cache): opened once unmeasured with every view (an engine reads the lake at its first query), so that
  // cost falls on no one analysis (the shell figures keep it).
  const warmUp = await openLakeEngine(store);
  await warmUp.views();
  await warmUp.close();
  for (const analysis of listSavedAnalyses()) {
    // A fresh DuckDB database per analysis: no metadata or file cache from the one before, as in a new process.
    const opening = performance.now();
    const engine = await openLakeEngine(store);
    const openMs = performance.now() - opening;
    try {
      const values: Record<string, string> = { chart, from_week: from, to_week: to };
      // An analysis with other parameters gets the same range: the lake's first and last week.
      for (const parameter of analysis.parameters) {
        if (values[parameter.name] === undefined && !('default' in parameter)) values[parameter.name] = parameter.type === 'DATE' ? to : chart;
      }
      const first = await runSavedAnalysis(engine, analysis, values).catch((error: unknown) => {
        if (error instanceof MissingTableError) return error;
        throw error;
      });
      const freshMs = performance.now() - opening;
      if (first instanceof MissingTableError) {
        timings.push({ name: analysis.name, title: analysis.title, freshMs: 0, openMs, medianMs: 0, runsMs: [], rows: 0, skipped: `no ${first.table} table in the lake` });
        continue;
      }
      const runsMs: number[] = [];
      for (let run = 0; run < runs; run += 1) {
        const started = performance.now();
        await runSavedAnalysis(engine, analysis, values);
        runsMs.push(performance.now() - started);
      }
      timings.push({ name: analysis.name, title: analysis.title, freshMs, openMs, medianMs: median(runsMs), runsMs, rows: first.rows.length });
    } finally {
      await engine.close();
    }
  }
  return { ms: sum(timings.map((timing) => timing.freshMs)), rows: timings.length, maxRssMb: peakRssMb(), detail: { queries: timings } };
}

/**
 * The lake-wide `songs` build over every committed week, statement by statement (src/transform/sql/songs-*.sql over
 * the lake's committed views, as the transform runs it when it cannot add weeks to the state): where its time goes.
 */
export async function songsProfile({ lake }: { lake: string }): Promise<StepResult> {
  const engine = await openLakeEngine(new FsStore(lake));
  try {
    await engine.views(['chart_entries', 'tracks', 'track_artists']);
    const statements: { statement: string; ms: number }[] = [];
    const started = performance.now();
    for (const step of FULL_SONG_STEPS) {
      for (const statement of splitStatements(loadSql(path.join(__dirname, '..', 'src', 'transform', 'sql'), step))) {
        // A `;` ending a comment line splits the header too: those pieces are comments only, nothing to time.
        const code = statement.split('\n').filter((line) => !line.trim().startsWith('--'));
        if (code.length === 0) continue;
        const begun = performance.now();
        await engine.connection.run(statement);
        statements.push({ statement: `${step}: ${code[0].trim().slice(0, 80)}`, ms: performance.now() - begun });
      }
    }
    const [{ n }] = (await engine.query('SELECT count(*) AS n FROM temp.songs')).rows as { n: number }[];
    return { ms: performance.now() - started, rows: Number(n), maxRssMb: peakRssMb(), detail: { statements } };
  } finally {
    await engine.close();
  }
}

export interface CliArgs {
  /** The compiled CLI (bin/chartlake.js after `npm run build`). */
  bin: string;
  /** The real US year's lake, for a query on it (absent without ../shared). */
  lake?: string;
  runs: number;
  /** Saved analyses to run on a lake (the full one), each as `chartlake query --saved <name>` with this range. */
  saved?: { lake: string; chart: string; from: string; to: string; names: string[] };
}

/**
 * Wall time of the compiled CLI, each run a new process as from a shell: `--help`, a query on the US lake, and each
 * saved analysis on the full lake (what "in a fresh process" means for a user).
 */
export async function cli({ bin, lake, runs, saved }: CliArgs): Promise<StepResult> {
  const commands: Record<string, string[]> = {
    'node -e 0': ['-e', '0'],
    // The floor of any query from a shell: Node, DuckDB's native library and JavaScript API, an instance, one query.
    [DUCKDB_FLOOR]: ['-e', `require(${JSON.stringify(require.resolve('@duckdb/node-api'))}).DuckDBInstance.create(':memory:').then((db) => db.connect()).then((c) => c.run('SELECT 1'))`],
    'chartlake --help': [bin, '--help'],
  };
  if (lake) commands['chartlake query (rank 1 of every week)'] = [bin, 'query', '--lake', lake, 'SELECT week, track_name, artist_names FROM chart_entries WHERE rank = 1 ORDER BY week'];
  for (const name of saved?.names ?? []) {
    commands[`${SAVED_FROM_SHELL}${name}`] = [bin, 'query', '--lake', saved!.lake, '--saved', name, '--chart', saved!.chart, '--from', saved!.from, '--to', saved!.to];
  }
  const timings: { command: string; medianMs: number; bestMs: number; runsMs: number[] }[] = [];
  for (const [command, args] of Object.entries(commands)) {
    const runsMs: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      const done = spawnSync(process.execPath, args, { encoding: 'utf8' });
      runsMs.push(performance.now() - started);
      if (done.status !== 0) throw new Error(`${command} failed (exit ${done.status}): ${done.stderr.slice(0, 300)}`);
    }
    timings.push({ command, medianMs: median(runsMs), bestMs: Math.min(...runsMs), runsMs });
  }
  return { ms: sum(timings.map((timing) => timing.medianMs)), rows: timings.length, maxRssMb: peakRssMb(), detail: { commands: timings } };
}

/** How `cli` names the floor of a query from a shell: Node and DuckDB alone. */
export const DUCKDB_FLOOR = 'node + DuckDB (load, an in-memory instance, SELECT 1)';

/** How `cli` names the run of a saved analysis on the full lake. */
export const SAVED_FROM_SHELL = 'chartlake query --saved ';

export const STEPS = { backfill, limit, usual, increment, queries, songsProfile, cli } as const;
export type StepName = keyof typeof STEPS;
