import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { generateInput, REGIONS } from './generate';
import { DUCKDB_FLOOR, median, SAVED_FROM_SHELL, STEPS, type StepName, type StepResult, type QueryTiming } from './steps';

export interface BenchOptions {
  regions: number;
  weeks: number;
  /** Where results/<date>.json goes. */
  resultsDir: string;
  /** Scratch folder (removed afterwards unless `keep`). */
  workDir?: string;
  keep?: boolean;
  /** Run each step in a child process (true for real figures: peak RSS per step); in-process for tests. */
  isolate?: boolean;
  /** Increments measured per lake size (median reported). */
  increments?: number;
  queryRuns?: number;
  /** Real Spotify Charts CSVs (the US year) to import and query as well; skipped when absent. */
  realDir?: string;
  /** The compiled CLI to time from a shell (`npm run build` first); skipped when not built, or when false. */
  cliBin?: string | false;
  log?: (line: string) => void;
}

/** The real US year, beside the repository (../shared), as the tests find it. */
export const REAL_US_YEAR = path.join(__dirname, '..', '..', 'shared', 'data', 'spotify-charts', 'us-weekly-2023');
export const COMPILED_CLI = path.join(__dirname, '..', 'bin', 'chartlake.js');

type IncrementTiming = { lakeWeeks: number; ms: number; importMs: number; passMs: number; songsMs: number; viewsMs: number; queryMs: number; runsMs: number[] };
type CliTiming = { command: string; medianMs: number; bestMs: number; runsMs: number[] };
type SongsStatement = { statement: string; ms: number };

export interface BenchReport {
  date: string;
  command: string;
  machine: { cores: number; cpu: string; memoryGiB: number; node: string; platform: string };
  scale: { regions: number; weeks: number; files: number; rows: number };
  backfill: StepResult & { rowsPerSecond: number };
  /**
   * Raw copy + one DuckDB pass writing the rows an import writes (chart rows, tracks, track_artists, lineage, and
   * the lake-wide songs table), one file per table, chart and year (the compact layout). `withoutSongsMs`: the
   * same without songs (the limit of the bench runs up to 2026-12-01 04:12); `chartRowsMs`: the chart rows
   * alone (the limit of the runs before 2026-12-01).
   */
  limit: StepResult & { rowsPerSecond: number; withoutSongsMs: number; chartRowsMs: number };
  /** The same with one file per chart week (the layout of chartlake 0.1, whose figures the README compares). */
  limitPerWeek: StepResult & { rowsPerSecond: number };
  usual: StepResult & { rowsPerSecond: number };
  ratios: { backfillOverLimit: number; backfillOverLimitWithoutSongs: number; backfillOverChartRowsLimit: number; backfillOverPerWeekLimit: number; usualOverBackfill: number };
  increment: IncrementTiming[];
  /** The lake-wide songs rebuild on the full lake, statement by statement. */
  songs: { ms: number; rows: number; statements: SongsStatement[] };
  queries: QueryTiming[];
  /** The real US year: its import and every saved analysis on it (absent when ../shared is). */
  real?: { dir: string; files: number; importMs: number; rows: number; queries: QueryTiming[] };
  /** The compiled CLI from a shell, on the US lake (absent without ../shared or a build). */
  cli?: CliTiming[];
  targets: { target: string; value: string; met: boolean }[];
}

/** Runs a step in a child process (its own peak RSS) or in this one. */
async function runStep(name: StepName, args: object, isolate: boolean): Promise<StepResult> {
  if (!isolate) return (STEPS[name] as (input: object) => Promise<StepResult>)(args);
  // The arguments go through a file: thousands of file names exceed the command line's limit.
  const argsFile = path.join(os.tmpdir(), `chartlake-bench-args-${process.pid}-${name}.json`);
  await fs.writeFile(argsFile, JSON.stringify(args));
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'child.ts'), name, argsFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  await fs.rm(argsFile, { force: true });
  if (code !== 0) throw new Error(`bench step ${name} failed (exit ${code})`);
  return JSON.parse(out.trim().split('\n').pop()!) as StepResult;
}

const perSecond = (rows: number, ms: number) => Math.round(rows / (ms / 1000));

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const isolate = options.isolate ?? true;
  const work = options.workDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'chartlake-bench-')));
  const increments = options.increments ?? 5;
  try {
    // One week more than the lake holds: the increments add it.
    log(`generating ${options.regions} regions × ${options.weeks + 1} weeks of Charts CSVs in ${work}`);
    const input = await generateInput(path.join(work, 'input'), { regions: options.regions, weeks: options.weeks + 1 });
    const nextWeek = input.weeks[options.weeks];
    const extra = path.join(work, 'next-week');
    await fs.mkdir(extra);
    for (const file of input.files.filter((item) => item.week === nextWeek)) {
      const moved = path.join(extra, path.basename(file.file));
      await fs.rename(file.file, moved);
      file.file = moved;
    }
    const files = input.files.filter((item) => item.week !== nextWeek);
    const filesOf = (weeks: number) => files.filter((item) => input.weeks.indexOf(item.week) < weeks).map((item) => item.file);
    const rows = files.length * 200;

    log(`backfill: chartlake import of ${files.length} files`);
    const lake = path.join(work, 'lake');
    const backfill = await runStep('backfill', { files: filesOf(options.weeks), lake }, isolate);
    log(`  ${(backfill.ms / 1000).toFixed(1)} s, peak RSS ${backfill.maxRssMb} MB`);
    log(`  ${(backfill.ms / 1000).toFixed(1)} s, of which songs rebuilds ${((backfill.detail?.songsMs as number) / 1000).toFixed(1)} s`);
    log('the limit: raw copy + one DuckDB pass writing every table\'s rows (songs included), one file per table and chart-year');
    const limit = await runStep('limit', { files: filesOf(options.weeks), out: path.join(work, 'limit'), layout: 'chart-year' }, isolate);
    const withoutSongsMs = limit.ms - Number(limit.detail?.songsMs ?? 0);
    const chartRowsMs = withoutSongsMs - Number(limit.detail?.tablesMs ?? 0);
    log(`  ${(limit.ms / 1000).toFixed(1)} s (without songs ${(withoutSongsMs / 1000).toFixed(1)} s, the chart rows alone ${(chartRowsMs / 1000).toFixed(1)} s)`);
    await fs.rm(path.join(work, 'limit'), { recursive: true, force: true });
    log('the per-week limit: raw copy + one DuckDB pass, one file per chart week');
    const limitPerWeek = await runStep('limit', { files: filesOf(options.weeks), out: path.join(work, 'limit'), layout: 'chart-week' }, isolate);
    log(`  ${(limitPerWeek.ms / 1000).toFixed(1)} s`);
    log('the usual approach: JavaScript rows, one JSON file per table per week');
    const usual = await runStep('usual', { files: filesOf(options.weeks), out: path.join(work, 'usual') }, isolate);
    log(`  ${(usual.ms / 1000).toFixed(1)} s`);
    await fs.rm(path.join(work, 'limit'), { recursive: true, force: true });
    await fs.rm(path.join(work, 'usual'), { recursive: true, force: true });

    log('queries: every saved analysis over the full lake');
    const chart = `regional-${input.regions.includes('us') ? 'us' : input.regions[0]}-weekly`;
    const queried = await runStep('queries', { lake, chart, from: input.weeks[0], to: input.weeks[options.weeks - 1], runs: options.queryRuns ?? 5 }, isolate);
    const queries = (queried.detail?.queries ?? []) as QueryTiming[];
    log('the songs rebuild on the full lake, statement by statement');
    const songsRun = await runStep('songsProfile', { lake }, isolate);
    const songs = { ms: songsRun.ms, rows: songsRun.rows, statements: (songsRun.detail?.statements ?? []) as SongsStatement[] };
    log(`  ${songsRun.ms.toFixed(0)} ms`);

    const sizes = [...new Set([1, Math.min(52, options.weeks), options.weeks])].sort((a, b) => a - b);
    const growing = new Map<number, { lake: string; adding: string[]; runs: StepResult[] }>();
    for (const size of sizes) {
      if (size === options.weeks) {
        growing.set(size, { lake, adding: input.files.filter((item) => item.week === nextWeek).map((item) => item.file), runs: [] });
      } else {
        const target = path.join(work, `lake-${size}`);
        log(`building a lake of ${size} week(s) per region for the increment`);
        await runStep('backfill', { files: filesOf(size), lake: target }, isolate);
        growing.set(size, { lake: target, adding: files.filter((item) => item.week === input.weeks[size]).map((item) => item.file), runs: [] });
      }
    }
    // Rounds: each adds a week of one chart to every lake in turn (a new process, one unmeasured warm-up import
    // first), so that a slow minute of the machine weighs on every size alike: this ratio is the bench's noisiest.
    log(`increments: ${increments} rounds over lakes of ${sizes.join(', ')} week(s) per region`);
    for (let round = 0; round < increments; round += 1) {
      for (const size of sizes) {
        const lakeOf = growing.get(size)!;
        const measured = await runStep('increment', { lake: lakeOf.lake, files: lakeOf.adding.slice(2 * round, 2 * round + 2), warmUp: 1 }, isolate);
        lakeOf.runs.push(measured);
      }
    }
    const increment: IncrementTiming[] = sizes.map((size) => {
      const { runs } = growing.get(size)!;
      const detail = (name: keyof Omit<IncrementTiming, 'lakeWeeks' | 'ms' | 'runsMs'>) => median(runs.map((run) => Number(run.detail?.[name])));
      const timing = { lakeWeeks: size, ms: median(runs.map((run) => run.ms)), importMs: detail('importMs'), passMs: detail('passMs'), songsMs: detail('songsMs'), viewsMs: detail('viewsMs'), queryMs: detail('queryMs'), runsMs: runs.map((run) => run.ms) };
      log(`  increment on ${size} week(s): ${timing.ms.toFixed(0)} ms`);
      return timing;
    });
    for (const size of sizes) if (growing.get(size)!.lake !== lake) await fs.rm(growing.get(size)!.lake, { recursive: true, force: true });

    let real: BenchReport['real'];
    let cli: CliTiming[] | undefined;
    const realDir = options.realDir ?? REAL_US_YEAR;
    if (existsSync(realDir)) {
      const realFiles = (await fs.readdir(realDir)).filter((name) => name.endsWith('.csv')).sort().map((name) => path.join(realDir, name));
      const usLake = path.join(work, 'us-lake');
      log(`the real US year: import of ${realFiles.length} files and every saved analysis`);
      const imported = await runStep('backfill', { files: realFiles, lake: usLake }, isolate);
      const weeks = realFiles.map((file) => /(\d{4}-\d{2}-\d{2})\.csv$/.exec(file)?.[1] ?? '').filter(Boolean);
      const realQueries = await runStep('queries', { lake: usLake, chart: 'regional-us-weekly', from: weeks[0], to: weeks[weeks.length - 1], runs: options.queryRuns ?? 5 }, isolate);
      real = { dir: realDir, files: realFiles.length, importMs: imported.ms, rows: imported.rows, queries: (realQueries.detail?.queries ?? []) as QueryTiming[] };
    } else {
      log(`no real US year at ${realDir}: the real-data queries and the query on it from a shell are not measured`);
    }
    const bin = options.cliBin ?? COMPILED_CLI;
    if (bin === false) {
      log('the compiled CLI is not timed (cliBin: false)');
    } else if (existsSync(path.join(path.dirname(bin), '..', 'dist'))) {
      log('the compiled CLI from a shell: --help, a query on the US lake, every saved analysis on the full lake');
      const saved = { lake, chart, from: input.weeks[0], to: input.weeks[options.weeks - 1], names: queries.filter((query) => !query.skipped).map((query) => query.name) };
      const timed = await runStep('cli', { bin, lake: real ? path.join(work, 'us-lake') : undefined, runs: options.queryRuns ?? 5, saved }, isolate);
      cli = (timed.detail?.commands ?? []) as CliTiming[];
    } else {
      log('the compiled CLI is not built (npm run build): its start-up is not measured');
    }

    const report: BenchReport = {
      date: new Date().toISOString(),
      command: `npm run bench -- --regions ${options.regions} --weeks ${options.weeks}`,
      machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.arch()}` },
      scale: { regions: options.regions, weeks: options.weeks, files: files.length, rows },
      backfill: { ...backfill, rowsPerSecond: perSecond(backfill.rows, backfill.ms) },
      limit: { ...limit, rowsPerSecond: perSecond(limit.rows, limit.ms), withoutSongsMs, chartRowsMs },
      limitPerWeek: { ...limitPerWeek, rowsPerSecond: perSecond(limitPerWeek.rows, limitPerWeek.ms) },
      usual: { ...usual, rowsPerSecond: perSecond(usual.rows, usual.ms) },
      ratios: {
        backfillOverLimit: backfill.ms / limit.ms,
        backfillOverLimitWithoutSongs: backfill.ms / withoutSongsMs,
        backfillOverChartRowsLimit: backfill.ms / chartRowsMs, backfillOverPerWeekLimit: backfill.ms / limitPerWeek.ms, usualOverBackfill: usual.ms / backfill.ms },
      increment,
      songs,
      queries,
      real,
      cli,
      targets: [],
    };
    report.targets = targetsOf(report);
    await fs.mkdir(options.resultsDir, { recursive: true });
    await fs.writeFile(path.join(options.resultsDir, `${report.date.slice(0, 10)}.json`), `${JSON.stringify(report, null, 2)}\n`);
    return report;
  } finally {
    if (!options.keep && !options.workDir) await fs.rm(work, { recursive: true, force: true });
  }
}

function targetsOf(report: BenchReport): BenchReport['targets'] {
  const smallest = report.increment[0];
  const largest = report.increment[report.increment.length - 1];
  const slowest = (queries: QueryTiming[]) => [...queries].filter((query) => !query.skipped).sort((a, b) => b.freshMs - a.freshMs)[0];
  const full = slowest(report.queries);
  const real = report.real && slowest(report.real.queries);
  const help = report.cli?.find((item) => item.command === 'chartlake --help');
  const query = report.cli?.find((item) => item.command.startsWith('chartlake query ('));
  const fromShell = (report.cli ?? []).filter((item) => item.command.startsWith(SAVED_FROM_SHELL)).sort((a, b) => b.medianMs - a.medianMs);
  const floor = report.cli?.find((item) => item.command === DUCKDB_FLOOR);
  const notMeasured = { value: 'not measured (no ../shared or no build)', met: false };
  return [
    {
      target: 'backfill within 2× the limit (raw copy + one DuckDB pass writing the same rows, one file per table and chart-year)',
      value: `${report.ratios.backfillOverLimit.toFixed(2)}× (${report.ratios.backfillOverLimitWithoutSongs.toFixed(2)}× a pass writing all but songs, ${report.ratios.backfillOverChartRowsLimit.toFixed(2)}× the chart rows alone)`,
      met: report.ratios.backfillOverLimit <= 2,
    },
    {
      target: `adding a week to ${largest.lakeWeeks} weeks ≤ 1.2× adding it to ${smallest.lakeWeeks}, next query included`,
      value: `${(largest.ms / smallest.ms).toFixed(2)}×`,
      met: largest.ms / smallest.ms <= 1.2,
    },
    { target: 'every saved analysis < 300 ms on the full lake, fresh database', value: full ? `slowest ${full.name} ${full.freshMs.toFixed(0)} ms` : 'no analyses', met: !full || full.freshMs < 300 },
    {
      target: 'every saved analysis < 300 ms on the full lake, from a shell (a fresh process)',
      ...(fromShell.length > 0
        ? { value: `${fromShell[fromShell.length - 1].medianMs.toFixed(0)}–${fromShell[0].medianMs.toFixed(0)} ms median (slowest ${fromShell[0].command.slice(SAVED_FROM_SHELL.length)}${floor ? `; Node and DuckDB alone ${floor.medianMs.toFixed(0)} ms` : ''})`, met: fromShell[0].medianMs < 300 }
        : notMeasured),
    },
    { target: 'every saved analysis < 300 ms on the real US year, fresh database', ...(real ? { value: `slowest ${real.name} ${real.freshMs.toFixed(0)} ms`, met: real.freshMs < 300 } : notMeasured) },
    { target: '`chartlake --help` < 0.3 s wall', ...(help ? { value: `${help.medianMs.toFixed(0)} ms median`, met: help.medianMs < 300 } : notMeasured) },
    { target: 'a query on the US lake < 1 s wall', ...(query ? { value: `${query.medianMs.toFixed(0)} ms median`, met: query.medianMs < 1000 } : notMeasured) },
    { target: 'backfill peak RSS < 1 GiB', value: `${report.backfill.maxRssMb} MB`, met: report.backfill.maxRssMb < 1024 },
  ];
}

/** The table `npm run bench` prints (Markdown, so it pastes into the README as is). */
export function formatReport(report: BenchReport): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const n = (value: number) => value.toLocaleString('en-US');
  const lines = [
    `${report.scale.regions} regions × ${report.scale.weeks} weeks = ${n(report.scale.files)} files, ${n(report.scale.rows)} chart rows; ${report.machine.cores} cores, ${report.machine.memoryGiB} GiB, ${report.machine.cpu}, Node ${report.machine.node}`,
    '',
    '| backfill | wall time | rows/s | peak RSS | vs. limit |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| chartlake import | ${s(report.backfill.ms)} | ${n(report.backfill.rowsPerSecond)} | ${report.backfill.maxRssMb} MB | ${report.ratios.backfillOverLimit.toFixed(2)}× |`,
    `| the limit: raw copy + one DuckDB pass writing the same rows (chart rows, tracks, track_artists, lineage, songs), a file per table and chart-year | ${s(report.limit.ms)} | ${n(report.limit.rowsPerSecond)} | ${report.limit.maxRssMb} MB | 1.00× |`,
    `| … without songs (the limit of the runs up to 2026-12-01 04:12) | ${s(report.limit.withoutSongsMs)} | | | ${(report.limit.withoutSongsMs / report.limit.ms).toFixed(2)}× (import: ${report.ratios.backfillOverLimitWithoutSongs.toFixed(2)}×) |`,
    `| … the chart rows alone (the limit before 2026-12-01) | ${s(report.limit.chartRowsMs)} | | | ${(report.limit.chartRowsMs / report.limit.ms).toFixed(2)}× (import: ${report.ratios.backfillOverChartRowsLimit.toFixed(2)}×) |`,
    `| the same, a file per chart week (0.1's layout) | ${s(report.limitPerWeek.ms)} | ${n(report.limitPerWeek.rowsPerSecond)} | ${report.limitPerWeek.maxRssMb} MB | ${(report.limitPerWeek.ms / report.limit.ms).toFixed(2)}× |`,
    `| the usual approach (JS rows → JSON files) | ${s(report.usual.ms)} | ${n(report.usual.rowsPerSecond)} | ${report.usual.maxRssMb} MB | ${(report.usual.ms / report.limit.ms).toFixed(2)}× |`,
    '',
    `Of the import, the transform's passes took ${s(Number(report.backfill.detail?.passMs))} in all (two run at once, so more than the wall time) and the songs rebuild ${s(Number(report.backfill.detail?.songsMs))}; the raw copy of the limit ${s(Number(report.limit.detail?.copyMs))}, its songs build ${s(Number(report.limit.detail?.songsMs))}.`,
    '',
    '| add one week to a lake of | total (median) | import + transform + crawl | of which songs rebuild | opening the views | next query | vs. smallest |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.increment.map(
      (item) =>
        `| ${item.lakeWeeks} week(s) per region | ${item.ms.toFixed(0)} ms | ${item.importMs.toFixed(0)} ms | ${item.songsMs.toFixed(0)} ms | ${item.viewsMs.toFixed(0)} ms | ${item.queryMs.toFixed(0)} ms | ${(item.ms / report.increment[0].ms).toFixed(2)}× |`,
    ),
    '',
    `| songs rebuild on the full lake (${n(report.songs.rows)} track ids): statement | time |`,
    '| --- | ---: |',
    ...report.songs.statements.map((item) => `| \`${item.statement}\` | ${item.ms.toFixed(0)} ms |`),
    '',
    `| saved analysis | full lake: fresh database | warm median | rows |${report.real ? ' US 2023: fresh | warm |' : ''}`,
    `| --- | ---: | ---: | ---: |${report.real ? ' ---: | ---: |' : ''}`,
    ...report.queries.map((query) => {
      const us = report.real?.queries.find((item) => item.name === query.name);
      const usCells = !report.real ? '' : us && !us.skipped ? ` ${us.freshMs.toFixed(0)} ms | ${us.medianMs.toFixed(0)} ms |` : ` not run${us?.skipped ? `: ${us.skipped}` : ''} | |`;
      const cells = query.skipped ? ` not run: ${query.skipped} | | |` : ` ${query.freshMs.toFixed(0)} ms | ${query.medianMs.toFixed(0)} ms | ${query.rows} |`;
      return `| ${query.name} |${cells}${usCells}`;
    }),
    '',
    ...(report.cli
      ? ['| from a shell (compiled CLI; a query on the US lake, saved analyses on the full lake) | median | best |', '| --- | ---: | ---: |', ...report.cli.map((item) => `| \`${item.command}\` | ${item.medianMs.toFixed(0)} ms | ${item.bestMs.toFixed(0)} ms |`), '']
      : []),
    '| target | measured | met |',
    '| --- | --- | --- |',
    ...report.targets.map((target) => `| ${target.target} | ${target.value} | ${target.met ? 'yes' : 'no'} |`),
  ];
  return lines.join('\n');
}

function optionsFromArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      regions: { type: 'string' },
      weeks: { type: 'string' },
      scale: { type: 'string' },
      keep: { type: 'boolean' },
      'in-process': { type: 'boolean' },
      results: { type: 'string' },
      real: { type: 'string' },
      runs: { type: 'string' },
    },
  });
  const scale = values.scale === undefined ? 1 : Number(values.scale);
  if (!(scale > 0)) throw new Error('--scale must be a positive number, e.g. 0.1');
  const regions = values.regions ? Number(values.regions) : Math.max(1, Math.round(REGIONS.length * Math.sqrt(scale)));
  const weeks = values.weeks ? Number(values.weeks) : Math.max(2, Math.round(156 * Math.sqrt(scale)));
  if (!Number.isInteger(regions) || regions < 1 || regions > REGIONS.length) throw new Error(`--regions must be 1..${REGIONS.length}`);
  if (!Number.isInteger(weeks) || weeks < 1) throw new Error('--weeks must be a positive integer');
  const queryRuns = values.runs === undefined ? undefined : Number(values.runs);
  if (queryRuns !== undefined && !(Number.isInteger(queryRuns) && queryRuns > 0)) throw new Error('--runs must be a positive integer');
  return { regions, weeks, keep: values.keep, isolate: !values['in-process'], resultsDir: values.results ?? path.join(__dirname, 'results'), realDir: values.real, queryRuns };
}

if (require.main === module) {
  runBench(optionsFromArgs(process.argv.slice(2)))
    .then((report) => process.stdout.write(`${formatReport(report)}\n`))
    .catch((error: Error) => {
      process.stderr.write(`${error.stack ?? error.message}\n`);
      process.exit(1);
    });
}
