import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { silentLogger } from '../src/log';
import { LocalPipeline } from '../src/pipeline';
import { listSavedAnalyses, MissingTableError, runSavedAnalysis } from '../src/query';
import { FsStore } from '../src/store';
import { duckdbOnlyImport } from './limit';
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
  /** One file per measured increment: each adds one chart week to the lake. */
  files: string[];
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
  medianMs: number;
  runsMs: number[];
  rows: number;
  /** Why it did not run: a table the bench lake lacks (song_credits: no songwriter lookups in a generated lake). */
  skipped?: string;
}

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `chartlake import` of every file into an empty lake (what `npm run chartlake -- import <dir>` does). */
export async function backfill({ files, lake }: BackfillArgs): Promise<StepResult> {
  const pipeline = await LocalPipeline.open(new FsStore(lake), silentLogger);
  try {
    const started = performance.now();
    const result = await pipeline.importFiles(files);
    const ms = performance.now() - started;
    if (result.failures.length > 0) throw new Error(`backfill failed: ${result.failures[0].error.message}`);
    const rows = result.weeks.reduce((sum, week) => sum + week.rows.chart_entries, 0);
    return { ms, rows, maxRssMb: peakRssMb(), detail: { weeks: result.weeks.length } };
  } finally {
    await pipeline.close();
  }
}

export async function limit({ inputDir, out }: { inputDir: string; out: string }): Promise<StepResult> {
  const started = performance.now();
  const { rows } = await duckdbOnlyImport(inputDir, out);
  return { ms: performance.now() - started, rows, maxRssMb: peakRssMb() };
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
export async function increment({ lake, files }: IncrementArgs): Promise<StepResult> {
  const pipeline = await LocalPipeline.open(new FsStore(lake), silentLogger);
  try {
    const importMs: number[] = [];
    const viewsMs: number[] = [];
    const totals: number[] = [];
    let rows = 0;
    for (const file of files) {
      const started = performance.now();
      const result = await pipeline.importFiles([file]);
      const imported = performance.now();
      if (result.failures.length > 0) throw new Error(`increment failed: ${result.failures[0].error.message}`);
      const engine = await pipeline.engine();
      await engine.close();
      const done = performance.now();
      importMs.push(imported - started);
      viewsMs.push(done - imported);
      totals.push(done - started);
      rows += result.weeks.reduce((sum, week) => sum + week.rows.chart_entries, 0);
    }
    return { ms: median(totals), rows, maxRssMb: peakRssMb(), detail: { importMs: median(importMs), viewsMs: median(viewsMs), runsMs: totals } };
  } finally {
    await pipeline.close();
  }
}

/** Each saved analysis over the whole lake: one warm-up, then the median of `runs`. Picks up every analysis file. */
export async function queries({ lake, chart, from, to, runs }: QueryArgs): Promise<StepResult> {
  const pipeline = await LocalPipeline.open(new FsStore(lake), silentLogger);
  const engine = await pipeline.engine();
  try {
    const timings: QueryTiming[] = [];
    for (const analysis of listSavedAnalyses()) {
      const values: Record<string, string> = { chart, from_week: from, to_week: to };
      // An analysis with other parameters gets the same range: the lake's first and last week.
      for (const parameter of analysis.parameters) {
        if (values[parameter.name] === undefined && !('default' in parameter)) values[parameter.name] = parameter.type === 'DATE' ? to : chart;
      }
      const first = await runSavedAnalysis(engine, analysis, values).catch((error: unknown) => {
        if (error instanceof MissingTableError) return error;
        throw error;
      });
      if (first instanceof MissingTableError) {
        timings.push({ name: analysis.name, title: analysis.title, medianMs: 0, runsMs: [], rows: 0, skipped: `no ${first.table} table in the bench lake` });
        continue;
      }
      const runsMs: number[] = [];
      for (let run = 0; run < runs; run += 1) {
        const started = performance.now();
        await runSavedAnalysis(engine, analysis, values);
        runsMs.push(performance.now() - started);
      }
      timings.push({ name: analysis.name, title: analysis.title, medianMs: median(runsMs), runsMs, rows: first.rows.length });
    }
    return { ms: timings.reduce((sum, timing) => sum + timing.medianMs, 0), rows: timings.length, maxRssMb: peakRssMb(), detail: { queries: timings } };
  } finally {
    await engine.close();
    await pipeline.close();
  }
}

export const STEPS = { backfill, limit, usual, increment, queries } as const;
export type StepName = keyof typeof STEPS;

/** Removes a folder the bench made (only below its own work folder). */
export async function removeWork(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}

export function lakeDir(work: string, name: string): string {
  return path.join(work, name);
}
