import * as path from 'node:path';
import { ENV, loadConfig } from '../config';
import { jsonLogger, consoleLogger, type Logger } from '../log';
import type { Gap } from '../quality';
import type { OutputFormat, QueryResult } from '../query';
import type { CatchUpResult, parseCron } from '../schedule';
import { listOf, stringOf, type Command, type Values } from './command';
import { openLake } from './checks';
import { pipelineLayer, qualityLayer, queryLayer, scheduleLayer } from './layers';
import { chartInLake, formatOption, lakeOption, SPOTIFY_ENV } from './options';

export const qualityCommands: Record<string, Command> = {
  quality: {
    summary: 'quarantined and missing weeks (exit 1 when there are any); weeks kept with warnings, shallow weeks, sources that disagree',
    description:
      'Lists the quarantined raw objects with the checks they failed and how to replay them, and the chart weeks\n' +
      'without data between the first and the last week of each chart (or --from/--to): these make it exit 1.\n' +
      'Then, apart, what is imperfect but kept (exit 0 when there is only this): weeks with warnings (ranks missing,\n' +
      'fewer entries), per week with their checks and details; weeks shallower than their neighbours (50 entries\n' +
      'among 200s) with how to deepen them; and weeks whose sources disagree, with the source whose rows were kept.',
    options: {
      ...lakeOption('read'),
      ...chartInLake('every chart in the lake', true),
      from: { type: 'string', value: '<YYYY-MM-DD>', description: 'first day to look at', defaultText: "each chart's first week", check: 'date' },
      to: { type: 'string', value: '<YYYY-MM-DD>', description: 'last day to look at', defaultText: "each chart's latest week", check: 'date' },
      ...formatOption(['table', 'json']),
    },
    examples: ['chartlake quality', 'chartlake quality --chart regional-us-weekly --from 2023-01-01 --format json'],
    lake: 'reads',
    async run(values) {
      const store = openLake(values);
      const report = await qualityLayer().qualityReport(store, { from: stringOf(values, 'from'), to: stringOf(values, 'to'), charts: listOf(values, 'chart') });
      if (format(values) === 'json') {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return report.ok ? 0 : 1;
      }
      if (report.charts.length === 0) process.stdout.write(`no chart weeks in ${store.location} yet\n`);
      for (const chart of report.charts) {
        process.stdout.write(`${chart.chart}: ${chart.weeks_with_data} week(s) with data, ${chart.first_week} .. ${chart.last_week}\n`);
      }
      for (const q of report.quarantined) {
        const state = q.superseded_by ? `superseded by ${q.superseded_by}` : 'QUARANTINED';
        process.stdout.write(`${state}  ${q.chart} ${q.week}  ${q.raw_key}  failed: ${q.checks.join(', ')}\n`);
        for (const failure of q.failures.slice(0, 3)) process.stdout.write(`    ${failure.check}: ${failure.detail}\n`);
        if (!q.superseded_by) process.stdout.write(`    fix the cause, then: chartlake replay ${q.raw_key}\n`);
      }
      for (const gap of report.missing) process.stdout.write(`MISSING  ${gap.chart} ${gap.week}  ${describeGap(gap)}\n`);
      for (const week of report.warned) {
        process.stdout.write(`WARNING  ${week.chart} ${week.week}  kept with: ${week.checks.join(', ')}\n`);
        for (const warning of week.warnings.slice(0, 5)) process.stdout.write(`    ${warning.check}: ${warning.detail}\n`);
        if (week.warnings.length > 5) process.stdout.write(`    ... and ${week.warnings.length - 5} more (--format json lists them all)\n`);
      }
      for (const week of report.shallow) {
        process.stdout.write(`SHALLOW  ${week.chart} ${week.week}  ${week.depth} entries where the week beside it has ${week.neighbour_depth}\n    to deepen it: ${week.deepen}\n`);
      }
      for (const d of report.disagreements) process.stdout.write(`DISAGREE ${d.chart} ${d.week}  rows kept from ${d.kept}\n    ${d.detail}\n`);
      const kept = report.warned.length + report.shallow.length > 0 ? `; ${report.warned.length} week(s) kept with warnings, ${report.shallow.length} shallow` : '';
      process.stdout.write(report.ok ? `quality: ok (nothing quarantined, no week missing${kept})\n` : `quality: problems found${kept}\n`);
      return report.ok ? 0 : 1;
    },
  },

  runs: {
    summary: 'lineage of every transformed chart week: raw objects, depth, enrichment, warnings, code version, rows, time',
    options: { ...lakeOption('read'), ...chartInLake('every chart in the lake', true), ...formatOption() },
    examples: ['chartlake runs --chart regional-us-weekly --format csv'],
    lake: 'reads',
    async run(values) {
      const store = openLake(values);
      const wanted = listOf(values, 'chart');
      const runs = (await qualityLayer().listRuns(store)).filter((run) => !wanted || wanted.includes(run.chart));
      const result: QueryResult = {
        columns: ['chart', 'week', 'source_key', 'raw_objects', 'depth', 'enriched', 'warnings', 'code_version', 'transformed_at', 'chart_entries', 'tracks', 'artists'].map((name) => ({
          name,
          type: ['raw_objects', 'depth', 'warnings', 'chart_entries', 'tracks', 'artists'].includes(name) ? 'BIGINT' : name === 'enriched' ? 'BOOLEAN' : 'VARCHAR',
        })),
        rows: runs.map((run) => ({
          chart: run.chart,
          week: run.week,
          source_key: run.sourceKey,
          raw_objects: run.rawKeys.length,
          depth: run.depth,
          enriched: run.enriched,
          warnings: run.warnings.length,
          code_version: run.codeVersion,
          transformed_at: run.transformedAt,
          chart_entries: run.rows.chart_entries,
          tracks: run.rows.tracks,
          artists: run.rows.artists,
        })),
      };
      process.stdout.write(`${queryLayer().formatResult(result, format(values))}\n`);
      return 0;
    },
  },

  gaps: {
    summary: 'chart weeks (Thursdays) with no data between --from and --to; exit 1 when there are any',
    options: {
      ...lakeOption('read'),
      ...chartInLake('every chart in the lake', true),
      from: { type: 'string', value: '<YYYY-MM-DD>', description: 'first day of the range (required)', check: 'date' },
      to: { type: 'string', value: '<YYYY-MM-DD>', description: 'last day of the range (required)', check: 'date' },
      ...formatOption(['table', 'json']),
    },
    examples: ['chartlake gaps --from 2023-01-01 --to 2023-12-31 --chart regional-us-weekly'],
    lake: 'reads',
    async run(values) {
      const from = stringOf(values, 'from');
      const to = stringOf(values, 'to');
      if (!from || !to) throw new Error('gaps needs --from <YYYY-MM-DD> and --to <YYYY-MM-DD>');
      const store = openLake(values);
      const gaps = await qualityLayer().findGaps(store, { from, to, charts: listOf(values, 'chart') });
      if (format(values) === 'json') process.stdout.write(`${JSON.stringify(gaps, null, 2)}\n`);
      else {
        for (const gap of gaps) process.stdout.write(`${gap.chart} ${gap.week}  ${describeGap(gap)}\n`);
        process.stdout.write(gaps.length === 0 ? `no gaps from ${from} to ${to}\n` : `${gaps.length} week(s) without data; chartlake run --catch-up --from ${from} --to ${to} fills them in order\n`);
      }
      return gaps.length === 0 ? 0 : 1;
    },
  },

  schedule: {
    summary: 'run the extract on the configured cron schedule (catching up missed weeks first) until SIGTERM/SIGINT',
    description:
      'Runs until stopped: first catches up the weeks missed while it was not running, then extracts each new week on\n' +
      'the schedule, retrying until the week is published. Logs are JSON lines. --print writes the equivalent crontab\n' +
      'line or systemd timer instead, for a machine that should not keep a process running.',
    options: {
      ...lakeOption('write'),
      chart: { type: 'string', value: '<alias>', description: 'a chart to extract', defaultText: 'regional-global-weekly, or "chart" in chartlake.config.json', env: ENV.chart, multiple: true },
      cron: { type: 'string', value: '"cron(<min> <hour> <day> <month> <weekday> <year>)"', description: 'the schedule (EventBridge cron, UTC)', defaultText: 'cron(0 12 ? * FRI *)', env: ENV.schedule },
      print: { type: 'string', value: '<crontab|systemd>', description: 'print the equivalent crontab line or systemd units and exit', check: ['crontab', 'systemd'] },
    },
    env: [...SPOTIFY_ENV, ENV.source, ENV.apiMode],
    examples: ['chartlake schedule --chart regional-us-weekly --chart regional-global-weekly', 'chartlake schedule --print systemd'],
    lake: 'creates',
    async run(values) {
      const config = loadConfig({ lake: stringOf(values, 'lake'), schedule: stringOf(values, 'cron') });
      const { parseCron, pipelineWorker, runScheduler } = scheduleLayer();
      const schedule = parseCron(config.schedule);
      const chartList = listOf(values, 'chart') ?? [config.chart];
      const print = stringOf(values, 'print');
      if (print) return printEquivalent(print, schedule, config.lake, chartList);
      const log = jsonLogger();
      const store = openLake(values);
      const pipeline = await pipelineLayer().LocalPipeline.open(store, log);
      const stop = new AbortController();
      // First signal: finish the week in progress, then stop. A second one exits at once (the week's lock then
      // expires after its stale timeout; no partial week is visible either way: lineage is written last).
      const onSignal = (signal: NodeJS.Signals) => {
        if (stop.signal.aborted) process.exit(130);
        log.log('info', 'stop requested; finishing the week in progress', { signal });
        stop.abort();
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      try {
        await runScheduler({
          store,
          worker: pipelineWorker(pipeline, config.spotify),
          schedule,
          charts: chartList,
          log,
          signal: stop.signal,
          onTick: async (result) => {
            if (!result.runs.some((run) => run.outcome === 'transformed' || run.outcome === 'recovered')) return;
            await pipeline.crawl().catch((error: Error) => log.log('error', 'crawl failed', { error: error.message }));
          },
        });
        return 0;
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        await pipeline.close();
      }
    },
  },
};

/** `chartlake run --catch-up [--from] [--to] [--chart]`: fills the weeks without data, oldest first. */
export async function runCatchUp(values: Values, log: Logger = consoleLogger()): Promise<number> {
  const config = loadConfig({ lake: stringOf(values, 'lake'), chart: stringOf(values, 'chart'), source: stringOf(values, 'source'), apiMode: stringOf(values, 'api-mode') });
  const store = openLake(values);
  const pipeline = await pipelineLayer().LocalPipeline.open(store, log);
  const { catchUp, pipelineWorker } = scheduleLayer();
  let result: CatchUpResult;
  try {
    result = await catchUp({
      store,
      worker: pipelineWorker(pipeline, config.spotify),
      charts: [config.chart],
      from: stringOf(values, 'from'),
      to: stringOf(values, 'to'),
      log,
    });
    if (result.runs.some((run) => run.outcome === 'transformed' || run.outcome === 'recovered')) await pipeline.crawl();
  } finally {
    await pipeline.close();
  }
  for (const run of result.runs) {
    process.stdout.write(`${run.chart} ${run.week}: ${run.outcome}${run.rows !== undefined ? `, ${run.rows} chart rows` : ''}${run.error ? ` — ${run.error}` : ''}\n`);
  }
  for (const gap of result.quarantined) process.stdout.write(`${gap.chart} ${gap.week}: quarantined, not retried (chartlake replay ${gap.raw_key} once fixed)\n`);
  if (result.runs.length === 0) process.stdout.write('nothing to catch up\n');
  const failed = result.runs.filter((run) => run.outcome !== 'transformed' && run.outcome !== 'recovered').length;
  return failed > 0 || result.quarantined.length > 0 ? 1 : 0;
}

function printEquivalent(what: string, schedule: ReturnType<typeof parseCron>, lake: string, chartList: string[]): number {
  const command = `npm run -s chartlake -- run --catch-up --lake ${lake.startsWith('s3://') ? lake : path.resolve(lake)}${chartList.map((chart) => ` --chart ${chart}`).join('')}`;
  if (what === 'crontab') {
    const fields = scheduleLayer().crontabFields(schedule);
    if (!fields) throw new Error(`${schedule.expression} cannot be written as a crontab line`);
    process.stdout.write(`# ${schedule.expression} (crontab runs in the machine's time zone: set CRON_TZ=UTC where supported)\nCRON_TZ=UTC\n${fields} cd ${process.cwd()} && ${command} >> chartlake.log 2>&1\n`);
    return 0;
  }
  if (what === 'systemd') {
    const calendar = scheduleLayer().systemdOnCalendar(schedule);
    if (!calendar) throw new Error(`${schedule.expression} cannot be written as a systemd OnCalendar value`);
    process.stdout.write(
      `# chartlake.timer\n[Unit]\nDescription=chartlake weekly extract (${schedule.expression})\n\n[Timer]\nOnCalendar=${calendar}\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n\n` +
        `# chartlake.service\n[Unit]\nDescription=chartlake weekly extract\n\n[Service]\nType=oneshot\nWorkingDirectory=${process.cwd()}\nExecStart=/usr/bin/env ${command}\n`,
    );
    return 0;
  }
  throw new Error(`--print must be crontab or systemd, not ${what}`);
}

function describeGap(gap: Gap): string {
  if (gap.reason === 'quarantined') return `quarantined: ${gap.raw_key} (${[...new Set(gap.failures?.map((f) => f.check))].join(', ')})`;
  if (gap.reason === 'not_transformed') return `raw object never transformed: ${gap.raw_key} (run --catch-up transforms it)`;
  return `no data; ${gap.fill}`;
}

/** `--format`, already checked against the command's choices (checks.ts). */
export function format(values: Values): OutputFormat {
  return (stringOf(values, 'format') ?? 'table') as OutputFormat;
}
