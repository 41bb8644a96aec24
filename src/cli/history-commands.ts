import { loadConfig } from '../config';
import { consoleLogger, Progress } from '../log';
import type { ExportFormat, QueryResult } from '../query';
import type { BackfillWeek } from '../schedule';
import type { ChartsServiceChart } from '../sources';
import { catalogLayer, pipelineLayer, queryLayer, scheduleLayer, sourcesLayer } from './layers';
import { isIsoDate, openStore } from '../store';
import { listOf, stringOf, type Command, type Values } from './command';
import { defaultRange } from './commands';
import { format as outputFormat } from './quality-commands';
import { chartInLake, formatOption, lakeOption, rangeOptions, sourceOptions, SPOTIFY_ENV } from './options';

const str = (value: Values[string]): string | undefined => stringOf({ value }, 'value');

/** History in one command, what the lake and the source hold, and data out (issue 16). */
export const historyCommands: Record<string, Command> = {
  backfill: {
    summary: 'fetch every chart week of a range the lake lacks from the charts service (needs a charts token), oldest first',
    description:
      'Oldest first, one week at a time through the same extract the schedule runs; weeks already in the lake are not asked\n' +
      "for, weeks before a chart's history began are skipped (not failures). A --to past the latest published week is cut back.",
    options: {
      ...lakeOption('write'),
      from: { type: 'string', value: '<YYYY-MM-DD>', description: 'the first day of the range (any week back to 2016-12-29)', check: 'date' },
      to: { type: 'string', value: '<YYYY-MM-DD>', description: 'the last day of the range', check: 'date' },
      chart: { type: 'string', value: '<alias>', multiple: true, description: 'a chart to fill (repeat for several)', defaultText: 'the configured chart (regional-global-weekly)' },
      'api-mode': sourceOptions['api-mode'],
    },
    env: [...SPOTIFY_ENV],
    examples: ['chartlake backfill --from 2023-01-01 --to 2024-12-31 --chart regional-us-weekly'],
    lake: 'creates',
    async run(values) {
      const from = str(values.from);
      const requestedTo = str(values.to);
      if (!from || !requestedTo) throw new Error('backfill needs --from <YYYY-MM-DD> and --to <YYYY-MM-DD>');
      const config = loadConfig({ lake: str(values.lake), apiMode: str(values['api-mode']), source: 'charts-service' });
      if (!config.spotify.chartsToken) {
        throw new Error(`backfill asks the charts service for given weeks, which needs a Spotify Charts token. ${sourcesLayer().CHARTS_TOKEN_HELP} (Or import the weeks' CSV files with chartlake import.)`);
      }
      const chartList = listOf(values, 'chart') ?? [config.chart];
      for (const chart of chartList) if (!/^[a-z0-9][a-z0-9-]*-weekly$/.test(chart)) throw new Error(`--chart "${chart}" is not a weekly chart alias (e.g. regional-global-weekly, regional-us-weekly)`);
      const latest = sourcesLayer().latestChartDate(new Date());
      const to = requestedTo > latest ? latest : requestedTo;
      if (to !== requestedTo) process.stderr.write(`--to ${requestedTo} is past the latest published chart week; backfilling to ${latest}\n`);
      const starts = await sourcesLayer().chartHistoryStarts(config.spotify, chartList, consoleLogger('warn'));
      const historyStart = (chart: string) => starts.get(chart) ?? sourcesLayer().CHARTS_HISTORY_START;

      const log = consoleLogger('warn');
      const pipeline = await pipelineLayer().LocalPipeline.open(openStore(config.lake), log);
      let progress: Progress | undefined;
      try {
        const result = await scheduleLayer().backfill({
          store: pipeline.store,
          worker: scheduleLayer().pipelineWorker(pipeline, config.spotify),
          charts: chartList,
          from,
          to,
          historyStart,
          log,
          onWeek: (week, total) => {
            progress ??= new Progress(total, 'weeks');
            progress.tick(week.status === 'filled' ? (week.run.rows ?? 0) : 0, `${week.chart} ${week.week} ${describeWeek(week)}`);
          },
        });
        progress?.finish();
        if (result.weeks.some((week) => week.status === 'filled')) await pipeline.crawl();
        for (const week of result.weeks) if (week.status === 'failed') process.stderr.write(`failed: ${week.chart} ${week.week}: ${week.run.error}\n`);
        for (const gap of result.quarantined) process.stderr.write(`quarantined: ${gap.chart} ${gap.week} (fix it, then chartlake replay ${gap.raw_key})\n`);
        if (result.stoppedBy) process.stderr.write(`stopped: ${result.stoppedBy}\n${result.planned - result.weeks.length} week(s) not tried: renew it and run the same command again (weeks already fetched are not asked for again)\n`);
        const starts = chartList.map((chart) => `${chart} ${historyStart(chart)}`).join(', ');
        process.stdout.write(
          `backfill ${from} .. ${to}: ${result.fetched} fetched, ${result.alreadyThere} already there, ` +
            `${result.beforeHistory} skipped before the chart's history began (${starts}), ${result.failed} failed` +
            `${result.quarantined.length > 0 ? `, ${result.quarantined.length} quarantined` : ''}\n`,
        );
        return result.failed > 0 || result.quarantined.length > 0 || result.stopped ? 1 : 0;
      } finally {
        await pipeline.close();
      }
    },
  },

  charts: {
    summary: 'the charts the source offers (charts service regions) and what the lake holds of each',
    options: { ...lakeOption('read'), ...formatOption() },
    env: [...SPOTIFY_ENV],
    examples: ['chartlake charts', 'chartlake charts --format csv'],
    lake: 'reads',
    async run(values) {
      const format = outputFormat(values);
      const config = loadConfig({ lake: str(values.lake) });
      let offered: ChartsServiceChart[] = [];
      let unavailable: string | undefined;
      try {
        offered = await sourcesLayer().listCharts({ options: config.spotify });
      } catch (error) {
        unavailable = (error as Error).message;
      }
      const pipeline = await pipelineLayer().LocalPipeline.open(openStore(config.lake), consoleLogger('warn'));
      const engine = await pipeline.engine();
      let holdings;
      try {
        holdings = await queryLayer().chartHoldings(engine);
      } finally {
        await engine.close();
        await pipeline.close();
      }
      const enrichment = holdings.some((holding) => holding.enriched_weeks !== undefined);
      const aliases = [...new Set([...offered.map((chart) => chart.alias), ...holdings.map((holding) => holding.chart)])].sort();
      const result: QueryResult = {
        columns: [
          ...['chart', 'region', 'source_first_week', 'source_latest_week'].map((name) => ({ name, type: 'VARCHAR' })),
          { name: 'lake_weeks', type: 'BIGINT' },
          { name: 'lake_first_week', type: 'VARCHAR' },
          { name: 'lake_last_week', type: 'VARCHAR' },
          { name: 'missing_inside', type: 'BIGINT' },
          { name: 'depth', type: 'VARCHAR' },
          ...(enrichment ? [{ name: 'enriched_weeks', type: 'BIGINT' }] : []),
        ],
        rows: aliases.map((alias) => {
          const source = offered.find((chart) => chart.alias === alias);
          const held = holdings.find((holding) => holding.chart === alias);
          return {
            chart: alias,
            region: source?.region ?? /^regional-([a-z0-9]+)-weekly$/.exec(alias)?.[1] ?? '',
            source_first_week: source?.earliestDate ?? null,
            source_latest_week: source?.latestDate ?? null,
            lake_weeks: held?.weeks ?? 0,
            lake_first_week: held?.first_week ?? null,
            lake_last_week: held?.last_week ?? null,
            missing_inside: held?.missing ?? null,
            depth: held ? (held.min_depth === held.max_depth ? String(held.max_depth) : `${held.min_depth}-${held.max_depth}`) : null,
            ...(enrichment ? { enriched_weeks: held?.enriched_weeks ?? 0 } : {}),
          };
        }),
      };
      process.stdout.write(`${queryLayer().formatResult(result, format)}\n`);
      if (unavailable) process.stderr.write(`the charts service could not be asked which charts it offers (only the lake's are listed): ${unavailable}\n`);
      return 0;
    },
  },

  export: {
    summary: 'write a table or a saved analysis to a Parquet, CSV or JSON file (DuckDB COPY), with the filters of query',
    args: [{ name: 'table', description: 'a table or view of the lake (not with --saved)' }],
    options: {
      ...lakeOption('read'),
      saved: { type: 'string', value: '<name>', description: 'export a saved analysis (chartlake query --list) instead of a table' },
      format: { type: 'string', value: '<parquet|csv|json>', description: 'the file format', check: ['parquet', 'csv', 'json'] },
      out: { type: 'string', value: '<file>', description: 'the file to write' },
      ...chartInLake('every chart (a table) or the biggest chart (--saved)'),
      ...rangeOptions('the range'),
    },
    examples: ['chartlake export chart_entries --format parquet --out us.parquet --chart regional-us-weekly', 'chartlake export --saved top-artists --format csv --out artists.csv'],
    lake: 'reads',
    async run(values, positionals) {
      const format = str(values.format);
      if (!format || !queryLayer().EXPORT_FORMATS.includes(format as ExportFormat)) throw new Error(`export needs --format ${queryLayer().EXPORT_FORMATS.join('|')}${format ? `, not ${format}` : ''}`);
      const out = str(values.out);
      if (!out) throw new Error('export needs --out <file>');
      const saved = str(values.saved);
      if (saved ? positionals.length > 0 : positionals.length !== 1) throw new Error('export needs one table name, or --saved <name>');
      for (const name of ['from', 'to'] as const) {
        const value = str(values[name]);
        if (value !== undefined && !isIsoDate(value)) throw new Error(`--${name} ${JSON.stringify(value)} is not a date YYYY-MM-DD`);
      }
      const config = loadConfig({ lake: str(values.lake) });
      const engine = await catalogLayer().openLakeEngine(openStore(config.lake));
      try {
        if (saved && !(await queryLayer().lakeRelations(engine)).includes('chart_entries')) throw new Error(`the lake ${config.lake} has no chart weeks yet (import or run a week first)`);
        const select = saved
          ? queryLayer().savedSelect(queryLayer().savedAnalysis(saved), await defaultRange(engine, values))
          : await queryLayer().tableSelect(engine, positionals[0], { chart: str(values.chart), from: str(values.from), to: str(values.to) });
        const written = await queryLayer().exportSelect(engine, select, format as ExportFormat, out);
        process.stdout.write(`wrote ${written.rows.toLocaleString('en-US')} rows of ${saved ?? positionals[0]} to ${written.file} (${format})\n`);
        return 0;
      } finally {
        await engine.close();
      }
    },
  },
};

function describeWeek(week: BackfillWeek): string {
  switch (week.status) {
    case 'already_there':
      return 'already there';
    case 'before_history':
      return "before the chart's history";
    case 'filled':
      return week.run.outcome === 'recovered' ? 'transformed' : 'fetched';
    default:
      return week.status;
  }
}
