import * as path from 'node:path';
import { describeDrift, readCatalog } from '../catalog';
import { consoleLogger } from '../log';
import { formatResult, listSavedAnalyses, runSavedAnalysis, savedAnalysis, type OutputFormat, type QueryEngine } from '../query';
import { athenaEngineFromEnv } from './aws-commands';
import { openStore } from '../store';
import { transformRawObject } from '../transform';
import { LocalPipeline } from '../pipeline';
import { Progress } from '../log';
import type { Command, Values } from './command';
import { runCommands } from './run-commands';
import { qualityCommands } from './quality-commands';
import { forecastCommands } from './forecast-commands';
import { reportCommands } from './report-commands';
import { creditsCommands } from './credits-commands';

export type { Command, Values } from './command';

const lakeOption = { lake: { type: 'string' as const } };

/** `--lake`, else CHARTLAKE_LAKE, else ./lake. */
export function lakeOf(values: Values): string {
  return (values.lake as string | undefined) ?? process.env.CHARTLAKE_LAKE ?? 'lake';
}

export const commands: Record<string, Command> = {
  import: {
    summary: 'import Spotify Charts weekly CSV exports (files or folders) into the lake',
    args: '<file|dir>...',
    options: { ...lakeOption },
    async run(values, positionals) {
      if (positionals.length === 0) throw new Error('import needs at least one CSV file or folder');
      const store = openStore(lakeOf(values));
      const pipeline = await LocalPipeline.open(store, consoleLogger('warn'));
      try {
        let progress: Progress | undefined;
        const result = await pipeline.importFiles(positionals, (file, total, routed) => {
          progress ??= new Progress(total, 'files');
          progress.tick(routed?.weeks?.reduce((sum, week) => sum + week.rows.chart_entries, 0) ?? 0, path.basename(file));
        });
        progress?.finish();
        const rows = result.weeks.reduce((sum, week) => sum + week.rows.chart_entries, 0);
        process.stdout.write(`imported ${result.weeks.length} week(s), ${rows.toLocaleString('en-US')} chart rows, into ${store.location}\n`);
        for (const failure of result.failures) process.stderr.write(`error: ${failure.error.message}\n`);
        return result.failures.length > 0 ? 1 : 0;
      } finally {
        await pipeline.close();
      }
    },
  },

  query: {
    summary: 'run SQL on the lake (DuckDB; --engine athena: the AWS stack), or a saved analysis with --saved <name>',
    args: '"<SQL>" | --saved <name> [--chart <alias>] [--from <date>] [--to <date>]',
    options: {
      ...lakeOption,
      saved: { type: 'string' },
      chart: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string', default: 'table' },
      list: { type: 'boolean' },
      engine: { type: 'string', default: 'duckdb' },
    },
    async run(values, positionals) {
      const format = values.format as OutputFormat;
      if (!['table', 'csv', 'json'].includes(format)) throw new Error(`--format must be table, csv or json, not ${format}`);
      if (values.list) {
        for (const analysis of listSavedAnalyses()) process.stdout.write(`${analysis.name.padEnd(28)} ${analysis.title}\n`);
        return 0;
      }
      if (!['duckdb', 'athena'].includes(values.engine as string)) throw new Error(`--engine must be duckdb or athena, not ${values.engine}`);
      const pipeline = values.engine === 'athena' ? undefined : await LocalPipeline.open(openStore(lakeOf(values)), consoleLogger('warn'));
      const engine: QueryEngine = pipeline ? await pipeline.engine() : athenaEngineFromEnv();
      try {
        let result;
        if (values.saved) {
          const analysis = savedAnalysis(values.saved as string);
          result = await runSavedAnalysis(engine, analysis, await defaultRange(engine, values));
        } else {
          if (positionals.length !== 1) throw new Error('query needs one SQL statement in quotes, or --saved <name>');
          result = await engine.query(positionals[0]);
        }
        process.stdout.write(`${formatResult(result, format)}\n`);
        return 0;
      } finally {
        await engine.close();
        await pipeline?.close();
      }
    },
  },

  tables: {
    summary: 'list the tables of the lake: columns, types, partitions (--drift: schema drift only)',
    options: { ...lakeOption, drift: { type: 'boolean' } },
    async run(values) {
      const store = openStore(lakeOf(values));
      const catalog = await readCatalog(store);
      if (!catalog || Object.keys(catalog.tables).length === 0) {
        process.stdout.write(`no tables in ${store.location} yet (import or run a week first)\n`);
        return 0;
      }
      if (values.drift) {
        process.stdout.write(`${describeDrift(catalog).join('\n')}\n`);
        return 0;
      }
      for (const table of Object.values(catalog.tables)) {
        const charts = Object.values(table.charts);
        const first = charts.map((chart) => chart.first_week).sort()[0];
        const last = charts.map((chart) => chart.last_week).sort().pop();
        process.stdout.write(`${table.name}  (${table.partitions} partitions: ${Object.keys(table.charts).join(', ')}; weeks ${first} .. ${last}; schema v${table.versions.length})\n`);
        for (const column of [...table.columns, ...table.partition_keys]) process.stdout.write(`  ${column.name.padEnd(24)} ${column.type}\n`);
      }
      return 0;
    },
  },

  crawl: {
    summary: 'rebuild the catalog (lake/catalog.json) from the Parquet footers',
    options: { ...lakeOption },
    async run(values) {
      const store = openStore(lakeOf(values));
      const pipeline = await LocalPipeline.open(store);
      try {
        const catalog = await pipeline.crawl();
        for (const table of Object.values(catalog.tables)) {
          process.stdout.write(`${table.name}: ${table.partitions} partitions, ${table.columns.length} columns, schema v${table.versions.length}${table.drift.length ? `, DRIFT in ${table.drift.map((d) => d.column).join(', ')}` : ''}\n`);
        }
        return 0;
      } finally {
        await pipeline.close();
      }
    },
  },

  replay: {
    summary: 'transform a raw object again (e.g. after a fix), from the raw object alone',
    args: '<raw key>...',
    options: { ...lakeOption },
    async run(values, positionals) {
      if (positionals.length === 0) throw new Error('replay needs the key of a raw object (raw/...)');
      const store = openStore(lakeOf(values));
      const pipeline = await LocalPipeline.open(store);
      try {
        for (const key of positionals) {
          const week = await transformRawObject(key, { store, duck: pipeline.duck, log: pipeline.log });
          process.stdout.write(`replayed ${key}: ${week.rows.chart_entries} chart rows for ${week.chart} ${week.week}\n`);
        }
        await pipeline.crawl();
        return 0;
      } finally {
        await pipeline.close();
      }
    },
  },

  ...runCommands,
  ...qualityCommands,
  ...forecastCommands,
  ...reportCommands,
  ...creditsCommands,
};

/** The saved analyses' range defaults to the lake's whole span of the (single or first) chart. */
async function defaultRange(engine: QueryEngine, values: Values): Promise<Record<string, string>> {
  const span = await engine.query(
    `SELECT chart, CAST(min(week) AS VARCHAR) AS first_week, CAST(max(week) AS VARCHAR) AS last_week FROM chart_entries GROUP BY chart ORDER BY count(*) DESC LIMIT 1`,
  );
  const row = span.rows[0] ?? {};
  const chart = (values.chart as string | undefined) ?? (row.chart as string | undefined) ?? 'regional-global-weekly';
  return {
    chart,
    from_week: (values.from as string | undefined) ?? (row.first_week as string | undefined) ?? '1970-01-01',
    to_week: (values.to as string | undefined) ?? (row.last_week as string | undefined) ?? '9999-12-31',
  };
}

export function usage(): string {
  const lines = Object.entries(commands).map(([name, command]) => `  ${`${name} ${command.args ?? ''}`.padEnd(60)} ${command.summary}`);
  return `usage: chartlake <command> [--lake <dir | s3://bucket/prefix>] [options]\n\ncommands:\n${lines.join('\n')}\n\nThe lake is ./lake unless --lake or CHARTLAKE_LAKE says otherwise.\n`;
}
