import * as path from 'node:path';
import { loadConfig } from '../config';
import { jsonLogger, consoleLogger, type Logger } from '../log';
import { LocalPipeline } from '../pipeline';
import { findGaps, listRuns, qualityReport, type Gap } from '../quality';
import { formatResult, type OutputFormat, type QueryResult } from '../query';
import { catchUp, crontabFields, parseCron, pipelineWorker, runScheduler, systemdOnCalendar, type CatchUpResult } from '../schedule';
import { openStore } from '../store';
import type { Command, Values } from './command';

const common = { lake: { type: 'string' as const }, chart: { type: 'string' as const, multiple: true }, format: { type: 'string' as const, default: 'table' } };

export const qualityCommands: Record<string, Command> = {
  quality: {
    summary: 'quarantined weeks (with the checks they failed) and missing weeks; exit 1 when there are any',
    args: '[--from <date>] [--to <date>] [--chart <alias>]... [--format table|json]',
    options: { ...common, from: { type: 'string' }, to: { type: 'string' } },
    async run(values) {
      const store = openStore(loadConfig({ lake: str(values.lake) }).lake);
      const report = await qualityReport(store, { from: str(values.from), to: str(values.to), charts: charts(values) });
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
      process.stdout.write(report.ok ? 'quality: ok (nothing quarantined, no week missing)\n' : 'quality: problems found\n');
      return report.ok ? 0 : 1;
    },
  },

  runs: {
    summary: 'lineage of every transformed chart week: raw objects, depth, enrichment, warnings, code version, rows, time',
    args: '[--chart <alias>]... [--format table|csv|json]',
    options: { ...common },
    async run(values) {
      const store = openStore(loadConfig({ lake: str(values.lake) }).lake);
      const wanted = charts(values);
      const runs = (await listRuns(store)).filter((run) => !wanted || wanted.includes(run.chart));
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
      process.stdout.write(`${formatResult(result, format(values))}\n`);
      return 0;
    },
  },

  gaps: {
    summary: 'chart weeks (Thursdays) with no data between --from and --to; exit 1 when there are any',
    args: '--from <date> --to <date> [--chart <alias>]... [--format table|json]',
    options: { ...common, from: { type: 'string' }, to: { type: 'string' } },
    async run(values) {
      const from = str(values.from);
      const to = str(values.to);
      if (!from || !to) throw new Error('gaps needs --from <YYYY-MM-DD> and --to <YYYY-MM-DD>');
      const config = loadConfig({ lake: str(values.lake) });
      const store = openStore(config.lake);
      const gaps = await findGaps(store, { from, to, charts: charts(values) ?? undefined });
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
    args: '[--cron "cron(0 12 ? * FRI *)"] [--chart <alias>]... [--print crontab|systemd]',
    options: { lake: common.lake, chart: common.chart, cron: { type: 'string' }, print: { type: 'string' } },
    async run(values) {
      const config = loadConfig({ lake: str(values.lake) });
      const schedule = parseCron(str(values.cron) ?? config.schedule);
      const chartList = charts(values) ?? [config.chart];
      if (values.print) return printEquivalent(String(values.print), schedule, config.lake, chartList);
      const log = jsonLogger();
      const store = openStore(config.lake);
      const pipeline = await LocalPipeline.open(store, log);
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
  const config = loadConfig({ lake: str(values.lake), source: str(values.source), apiMode: str(values['api-mode']) });
  const store = openStore(config.lake);
  const pipeline = await LocalPipeline.open(store, log);
  let result: CatchUpResult;
  try {
    const chartValue = values.chart;
    result = await catchUp({
      store,
      worker: pipelineWorker(pipeline, config.spotify),
      charts: typeof chartValue === 'string' ? [chartValue] : [config.chart],
      from: str(values.from),
      to: str(values.to),
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
    const fields = crontabFields(schedule);
    if (!fields) throw new Error(`${schedule.expression} cannot be written as a crontab line`);
    process.stdout.write(`# ${schedule.expression} (crontab runs in the machine's time zone: set CRON_TZ=UTC where supported)\nCRON_TZ=UTC\n${fields} cd ${process.cwd()} && ${command} >> chartlake.log 2>&1\n`);
    return 0;
  }
  if (what === 'systemd') {
    const calendar = systemdOnCalendar(schedule);
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

export function str(value: string | boolean | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function charts(values: Values): string[] | undefined {
  const value = (values as Record<string, unknown>).chart;
  if (Array.isArray(value)) return value.length > 0 ? value.map(String) : undefined;
  return typeof value === 'string' ? [value] : undefined;
}

export function format(values: Values): OutputFormat {
  const value = String(values.format ?? 'table');
  if (!['table', 'csv', 'json'].includes(value)) throw new Error(`--format must be table, csv or json, not ${value}`);
  return value as OutputFormat;
}
