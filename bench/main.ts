import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { generateInput, REGIONS } from './generate';
import { STEPS, type StepName, type StepResult, type QueryTiming } from './steps';

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
  log?: (line: string) => void;
}

export interface BenchReport {
  date: string;
  command: string;
  machine: { cores: number; cpu: string; memoryGiB: number; node: string; platform: string };
  scale: { regions: number; weeks: number; files: number; rows: number };
  backfill: StepResult & { rowsPerSecond: number };
  limit: StepResult & { rowsPerSecond: number };
  usual: StepResult & { rowsPerSecond: number };
  ratios: { backfillOverLimit: number; usualOverBackfill: number };
  increment: { lakeWeeks: number; ms: number; importMs: number; viewsMs: number; runsMs: number[] }[];
  queries: QueryTiming[];
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
    log('the limit: DuckDB alone');
    const limit = await runStep('limit', { inputDir: input.dir, out: path.join(work, 'limit') }, isolate);
    log(`  ${(limit.ms / 1000).toFixed(1)} s`);
    log('the usual approach: JavaScript rows, one JSON file per table per week');
    const usual = await runStep('usual', { files: filesOf(options.weeks), out: path.join(work, 'usual') }, isolate);
    log(`  ${(usual.ms / 1000).toFixed(1)} s`);
    await fs.rm(path.join(work, 'limit'), { recursive: true, force: true });
    await fs.rm(path.join(work, 'usual'), { recursive: true, force: true });

    log('queries: every saved analysis over the full lake');
    const chart = `regional-${input.regions.includes('us') ? 'us' : input.regions[0]}-weekly`;
    const queried = await runStep('queries', { lake, chart, from: input.weeks[0], to: input.weeks[options.weeks - 1], runs: options.queryRuns ?? 5 }, isolate);
    const queries = (queried.detail?.queries ?? []) as QueryTiming[];

    const sizes = [...new Set([1, Math.min(52, options.weeks), options.weeks])].sort((a, b) => a - b);
    const increment: BenchReport['increment'] = [];
    for (const size of sizes) {
      let target = lake;
      let adding: string[];
      if (size === options.weeks) {
        adding = input.files.filter((item) => item.week === nextWeek).map((item) => item.file);
      } else {
        target = path.join(work, `lake-${size}`);
        log(`building a lake of ${size} week(s) per region for the increment`);
        await runStep('backfill', { files: filesOf(size), lake: target }, isolate);
        adding = files.filter((item) => item.week === input.weeks[size]).map((item) => item.file);
      }
      const measured = await runStep('increment', { lake: target, files: adding.slice(0, increments) }, isolate);
      const detail = measured.detail as { importMs: number; viewsMs: number; runsMs: number[] };
      increment.push({ lakeWeeks: size, ms: measured.ms, importMs: detail.importMs, viewsMs: detail.viewsMs, runsMs: detail.runsMs });
      log(`  increment on ${size} week(s): ${measured.ms.toFixed(0)} ms`);
      if (target !== lake) await fs.rm(target, { recursive: true, force: true });
    }

    const report: BenchReport = {
      date: new Date().toISOString(),
      command: `npm run bench -- --regions ${options.regions} --weeks ${options.weeks}`,
      machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.arch()}` },
      scale: { regions: options.regions, weeks: options.weeks, files: files.length, rows },
      backfill: { ...backfill, rowsPerSecond: perSecond(backfill.rows, backfill.ms) },
      limit: { ...limit, rowsPerSecond: perSecond(limit.rows, limit.ms) },
      usual: { ...usual, rowsPerSecond: perSecond(usual.rows, usual.ms) },
      ratios: { backfillOverLimit: backfill.ms / limit.ms, usualOverBackfill: usual.ms / backfill.ms },
      increment,
      queries,
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
  const slowest = [...report.queries].sort((a, b) => b.medianMs - a.medianMs)[0];
  return [
    { target: 'backfill within 2× the DuckDB-only limit', value: `${report.ratios.backfillOverLimit.toFixed(2)}×`, met: report.ratios.backfillOverLimit <= 2 },
    { target: 'backfill ≥ 10× faster than the usual approach', value: `${report.ratios.usualOverBackfill.toFixed(2)}×`, met: report.ratios.usualOverBackfill >= 10 },
    {
      target: `adding a week to ${largest.lakeWeeks} weeks ≤ 1.2× adding it to ${smallest.lakeWeeks}`,
      value: `${(largest.ms / smallest.ms).toFixed(2)}×`,
      met: largest.ms / smallest.ms <= 1.2,
    },
    { target: 'every saved analysis < 500 ms', value: slowest ? `slowest ${slowest.name} ${slowest.medianMs.toFixed(0)} ms` : 'no analyses', met: !slowest || slowest.medianMs < 500 },
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
    `| DuckDB alone (the limit) | ${s(report.limit.ms)} | ${n(report.limit.rowsPerSecond)} | ${report.limit.maxRssMb} MB | 1.00× |`,
    `| the usual approach (JS rows → JSON files) | ${s(report.usual.ms)} | ${n(report.usual.rowsPerSecond)} | ${report.usual.maxRssMb} MB | ${(report.usual.ms / report.limit.ms).toFixed(2)}× |`,
    '',
    '| add one week to a lake of | total (median) | import + transform + crawl | views | vs. smallest |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...report.increment.map((item) => `| ${item.lakeWeeks} week(s) per region | ${item.ms.toFixed(0)} ms | ${item.importMs.toFixed(0)} ms | ${item.viewsMs.toFixed(0)} ms | ${(item.ms / report.increment[0].ms).toFixed(2)}× |`),
    '',
    '| saved analysis (full lake) | median of 5 | rows |',
    '| --- | ---: | ---: |',
    ...report.queries.map((query) => (query.skipped ? `| ${query.name} | not run: ${query.skipped} | |` : `| ${query.name} | ${query.medianMs.toFixed(0)} ms | ${query.rows} |`)),
    '',
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
    },
  });
  const scale = values.scale === undefined ? 1 : Number(values.scale);
  if (!(scale > 0)) throw new Error('--scale must be a positive number, e.g. 0.1');
  const regions = values.regions ? Number(values.regions) : Math.max(1, Math.round(REGIONS.length * Math.sqrt(scale)));
  const weeks = values.weeks ? Number(values.weeks) : Math.max(2, Math.round(156 * Math.sqrt(scale)));
  if (!Number.isInteger(regions) || regions < 1 || regions > REGIONS.length) throw new Error(`--regions must be 1..${REGIONS.length}`);
  if (!Number.isInteger(weeks) || weeks < 1) throw new Error('--weeks must be a positive integer');
  return { regions, weeks, keep: values.keep, isolate: !values['in-process'], resultsDir: values.results ?? path.join(__dirname, 'results') };
}

if (require.main === module) {
  runBench(optionsFromArgs(process.argv.slice(2)))
    .then((report) => process.stdout.write(`${formatReport(report)}\n`))
    .catch((error: Error) => {
      process.stderr.write(`${error.stack ?? error.message}\n`);
      process.exit(1);
    });
}
