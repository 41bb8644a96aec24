import * as path from 'node:path';
import { ENV } from '../config';
import { consoleLogger, Progress } from '../log';
import type { QueryEngine, QueryResult } from '../query';
import { stringOf, type Command, type Values } from './command';
import { openLake } from './checks';
import { catalogLayer, pipelineLayer, queryLayer, transformLayer } from './layers';
import { chartInLake, formatOption, lakeOption, rangeOptions } from './options';
import { configCommands } from './config-commands';
import { runCommands } from './run-commands';
import { qualityCommands } from './quality-commands';
import { forecastCommands } from './forecast-commands';
import { reportCommands } from './report-commands';
import { historyCommands } from './history-commands';
import { enrichCommands } from './enrich-commands';
import { creditsCommands } from './credits-commands';

export type { Command, Values } from './command';

/**
 * Every `chartlake` command, in the order `chartlake --help` lists them. A new command is one more entry:
 * a `Command` object (command.ts) declaring its help, options and checks, with a `run` that loads its layers.
 */
export const commands: Record<string, Command> = {
  import: {
    summary: 'import Spotify Charts weekly CSV exports (files or folders) into the lake',
    description:
      'Each file is stored byte for byte under raw/charts-csv/<chart>/week=<date>/ and transformed like an extracted week.\n' +
      'Region and week come from the file name (regional-<region>-weekly-<YYYY-MM-DD>.csv). Importing a file again changes nothing.',
    args: [{ name: 'file|dir', description: 'CSV files downloaded from charts.spotify.com, or folders of them', required: true, variadic: true }],
    options: { ...lakeOption('write') },
    examples: ['chartlake import ~/Downloads/regional-us-weekly-2023-*.csv', 'chartlake import ~/charts/us-2023/ --lake /data/lake'],
    lake: 'creates',
    async run(values, positionals) {
      const store = openLake(values);
      const pipeline = await pipelineLayer().LocalPipeline.open(store, consoleLogger('warn'));
      try {
        let progress: Progress | undefined;
        const result = await pipeline.importFiles(positionals, {
          started: (total) => (progress = new Progress(total, 'files')),
          file: (file, _total, routed) => progress?.tick(routed?.weeks?.reduce((sum, week) => sum + week.rows.chart_entries, 0) ?? 0, path.basename(file)),
          phase: (doing) => progress?.phase(doing),
        }).finally(() => progress?.finish()); // also when it throws: the line ends before the error, and stops redrawing
        const rows = result.weeks.reduce((sum, week) => sum + week.rows.chart_entries, 0);
        const warned = result.weeks.filter((week) => week.warnings.length > 0).length;
        process.stdout.write(
          `imported ${result.weeks.length} week(s), ${rows.toLocaleString('en-US')} chart rows, into ${store.location}: ` +
            `${result.unchanged.length} file(s) unchanged (already in the lake, not transformed again), ${result.failures.length} refused` +
            `${warned > 0 ? `, ${warned} week(s) kept with warnings (chartlake quality lists them)` : ''}\n`,
        );
        if (result.skipped.length > 0) process.stdout.write(`skipped ${result.skipped.length} file(s) that are not .csv, e.g. ${result.skipped[0]}\n`);
        for (const failure of result.failures) process.stderr.write(`error: ${failure.error.message}\n`);
        return result.failures.length > 0 ? 1 : 0;
      } finally {
        await pipeline.close();
      }
    },
  },

  query: {
    summary: 'run SQL on the lake (DuckDB, or Athena with --engine athena), or a saved analysis (--saved <name>)',
    description:
      'The tables are views over the lake\'s Parquet files: chart_entries, tracks, track_artists, albums, artists, the *_latest\n' +
      'views, _runs (lineage) and forecasts. A saved analysis takes the chart and a week range (default: the lake\'s biggest chart,\n' +
      'all its weeks); chartlake query --list names them.',
    args: [{ name: 'SQL', description: 'one SQL statement, in quotes (not with --saved or --list)' }],
    options: {
      ...lakeOption('read'),
      saved: { type: 'string', value: '<name>', description: 'run a saved analysis (src/query/analyses/<name>.sql) instead of SQL' },
      list: { type: 'boolean', description: 'list the saved analyses' },
      ...chartInLake("the lake's biggest chart"),
      ...rangeOptions('the range, with --saved'),
      artist: { type: 'string', value: '<name>', description: 'with --saved: only this artist (analyses that take it; chartlake query --list)' },
      song: { type: 'string', value: '<name|song_id>', description: 'with --saved: only this song (analyses that take it)' },
      limit: { type: 'string', value: '<n>', description: 'with --saved: at most this many rows', defaultText: "the analysis's own", check: 'positive-integer' },
      ...formatOption(),
      engine: { type: 'string', value: '<duckdb|athena>', description: 'duckdb: the local lake; athena: the deployed AWS stack', default: 'duckdb', check: ['duckdb', 'athena'] },
    },
    env: [ENV.s3Endpoint, ENV.athenaWorkgroup, ENV.athenaDatabase],
    examples: [
      'chartlake query "SELECT week, track_name, streams FROM chart_entries WHERE rank = 1 ORDER BY week"',
      'chartlake query --saved top-artists --chart regional-us-weekly --from 2023-01-01 --to 2023-06-30 --format csv',
    ],
    lake: 'reads',
    async run(values, positionals) {
      const query = queryLayer();
      const format = stringOf(values, 'format') as import('../query').OutputFormat;
      if (values.list) {
        for (const analysis of query.listSavedAnalyses()) process.stdout.write(`${analysis.name.padEnd(28)} ${analysis.title}\n`);
        return 0;
      }
      const saved = stringOf(values, 'saved');
      if (saved === undefined && positionals.length !== 1) throw new Error('query needs one SQL statement in quotes, or --saved <name>');
      if (saved !== undefined && positionals.length > 0) throw new Error('give either SQL or --saved <name>, not both');
      const analysis = saved === undefined ? undefined : query.savedAnalysis(saved);
      // A query only reads: an engine over the lake, without the pipeline (its transform code is not loaded).
      const engine: QueryEngine =
        values.engine === 'athena' ? (require('./aws-commands') as typeof import('./aws-commands')).athenaEngineFromEnv() : await catalogLayer().openLakeEngine(openLake(values));
      try {
        const filters = { artist: stringOf(values, 'artist'), song: stringOf(values, 'song'), limit: stringOf(values, 'limit') };
        const result: QueryResult = analysis
          ? await query.runSavedAnalysis(engine, analysis, { ...(await defaultRange(engine, values)), ...filters })
          : await engine.queryReadOnly(positionals[0]);
        // An empty result says why (the analysis' own `-- empty:` line), on stderr so the output stays data.
        if (analysis && result.rows.length === 0 && analysis.whenEmpty) process.stderr.write(`${analysis.name}: ${analysis.whenEmpty}\n`);
        process.stdout.write(`${query.formatResult(result, format)}\n`);
        return 0;
      } finally {
        await engine.close();
      }
    },
  },

  tables: {
    summary: 'list the tables of the lake: columns, types, partitions (--drift: schema drift only)',
    options: { ...lakeOption('read'), drift: { type: 'boolean', description: 'show only the partitions whose column types drifted' } },
    examples: ['chartlake tables', 'chartlake tables --drift --lake /data/lake'],
    lake: 'reads',
    async run(values) {
      const store = openLake(values);
      const catalog = await catalogLayer().readCatalog(store);
      if (!catalog || Object.keys(catalog.tables).length === 0) {
        process.stdout.write(`no tables in ${store.location} yet (import or run a week first)\n`);
        return 0;
      }
      if (values.drift) {
        process.stdout.write(`${catalogLayer().describeDrift(catalog).join('\n')}\n`);
        return 0;
      }
      for (const table of Object.values(catalog.tables)) {
        const charts = Object.values(table.charts);
        const first = Math.min(...charts.map((chart) => chart.first_year));
        const last = Math.max(...charts.map((chart) => chart.last_year));
        const span = charts.length > 0 ? `: ${Object.keys(table.charts).join(', ')}; years ${first} .. ${last}` : ', lake-wide';
        process.stdout.write(`${table.name}  (${table.partitions.length} file(s)${span}; schema v${table.versions.length})\n`);
        for (const column of [...table.columns, ...table.partition_keys]) process.stdout.write(`  ${column.name.padEnd(24)} ${column.type}\n`);
      }
      return 0;
    },
  },

  crawl: {
    summary: 'rebuild the catalog (lake/catalog.json) from the Parquet files, and the song identity if it is behind',
    options: { ...lakeOption('read') },
    examples: ['chartlake crawl --lake /data/lake'],
    lake: 'reads',
    async run(values) {
      const store = openLake(values);
      const pipeline = await pipelineLayer().LocalPipeline.open(store);
      try {
        // The documented repair also clears what a killed writer left: temporary files of processes that are gone.
        const removed = 'removeAbandonedTemporaryFiles' in store ? await (store as import('../store').FsStore).removeAbandonedTemporaryFiles() : [];
        if (removed.length > 0) process.stderr.write(`removed ${removed.length} temporary file(s) left by a process that is gone: ${removed.slice(0, 5).join(', ')}${removed.length > 5 ? ', ...' : ''}\n`);
        // The documented repair: the lake-wide song identity is rebuilt too when a run did not reach it (killed).
        const transform = transformLayer();
        if (await transform.songsAreStale(pipeline.store)) {
          await transform.rebuildSongs(pipeline.router.context);
          process.stdout.write('songs: rebuilt (it was older than the newest lineage)\n');
        }
        const catalog = await pipeline.crawl();
        for (const table of Object.values(catalog.tables)) {
          process.stdout.write(`${table.name}: ${table.partitions.length} file(s), ${table.columns.length} columns, schema v${table.versions.length}${table.drift.length ? `, DRIFT in ${table.drift.map((d) => d.column).join(', ')}` : ''}\n`);
        }
        return 0;
      } finally {
        await pipeline.close();
      }
    },
  },

  replay: {
    summary: 'transform a raw object again (e.g. after a fix), from the raw object alone',
    args: [{ name: 'raw key', description: 'the key of a raw object, e.g. raw/charts-csv/regional-us-weekly/week=2023-03-02/<file>.csv (chartlake quality names them)', required: true, variadic: true }],
    options: { ...lakeOption('read') },
    examples: ['chartlake replay raw/charts-csv/regional-us-weekly/week=2023-03-02/regional-us-weekly-2023-03-02.csv'],
    lake: 'reads',
    async run(values, positionals) {
      const store = openLake(values);
      const pipeline = await pipelineLayer().LocalPipeline.open(store);
      try {
        for (const key of positionals) {
          if (!key.startsWith('raw/')) throw new Error(`${key} is not the key of a raw object (raw/...; chartlake quality lists the quarantined ones)`);
          const result = await transformLayer().transformRawObjects([key], { store, duck: pipeline.duck, log: pipeline.log });
          if (result.refused.length > 0) throw result.refused[0];
          for (const week of result.weeks) process.stdout.write(`replayed ${key}: ${week.rows.chart_entries} chart rows for ${week.chart} ${week.week}\n`);
        }
        await pipeline.crawl();
        return 0;
      } finally {
        await pipeline.close();
      }
    },
  },

  upgrade: {
    summary: 'rebuild transformed/ from raw/ in the current layout (raw/ is not changed)',
    description:
      'For a lake made by an older chartlake (the per-week layout of 0.1): every raw object is transformed again into the\n' +
      'compact layout (one file per table, chart and year), the old files and catalog are removed. Forecasts are derived:\n' +
      'run chartlake forecast again afterwards.',
    options: { ...lakeOption('read') },
    examples: ['chartlake upgrade --lake /data/lake'],
    lake: 'reads',
    async run(values) {
      const store = openLake(values);
      const pipeline = await pipelineLayer().LocalPipeline.open(store, consoleLogger('warn'));
      try {
        let progress: Progress | undefined;
        const result = await pipeline.rebuildFromRaw({
          started: (rawObjects) => (progress = new Progress(rawObjects, 'raw objects')),
          transformed: (rawObjects, rows) => progress?.advance(rawObjects, rows),
          phase: (doing) => progress?.phase(doing),
        }).finally(() => progress?.finish());
        process.stdout.write(`rebuilt ${result.weeks} chart week(s) from ${result.rawObjects} raw object(s) in ${store.location}; removed ${result.removed} file(s) of the old layout\n`);
        for (const error of result.refused) process.stderr.write(`refused: ${error.message}\n`);
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
  ...historyCommands,
  ...enrichCommands,
  ...configCommands,
  ...creditsCommands,
};

/**
 * The saved analyses' range defaults to the whole span of the chart named (else the lake's single or biggest
 * chart): only that chart's rows are read, and none when the chart and both weeks are given.
 */
export async function defaultRange(engine: QueryEngine, values: Values): Promise<Record<string, string>> {
  const given = stringOf(values, 'chart');
  const complete = given !== undefined && stringOf(values, 'from') !== undefined && stringOf(values, 'to') !== undefined;
  const spans = complete ? [] : await engine.chartSpans();
  const span = given === undefined ? spans[0] : spans.find((chart) => chart.chart === given);
  return {
    chart: given ?? span?.chart ?? 'regional-global-weekly',
    from_week: stringOf(values, 'from') ?? span?.first_week ?? '1970-01-01',
    to_week: stringOf(values, 'to') ?? span?.last_week ?? '9999-12-31',
  };
}
