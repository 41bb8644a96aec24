import { ENV, loadConfig } from '../config';
import { consoleLogger } from '../log';
import { stringOf, type Command } from './command';
import { openLake } from './checks';
import { demoCatalogLayer, demoLayer, demoServerLayer, pipelineLayer } from './layers';
import { lakeOption, sourceOptions, SPOTIFY_ENV } from './options';
import { runCatchUp } from './quality-commands';

export const runCommands: Record<string, Command> = {
  run: {
    summary: 'extract and transform one chart week (default: the latest the source has); --catch-up: every missing week',
    description:
      'Fetches the chart week from the source, enriches it through the Spotify Web API when SPOTIFY_CLIENT_ID and\n' +
      'SPOTIFY_CLIENT_SECRET are set, writes one raw object and transforms it. A week already in the lake is skipped\n' +
      '(--force fetches it again). --catch-up fills every week without data, oldest first, between --from and --to.',
    options: {
      ...lakeOption('write'),
      week: { type: 'string', value: '<YYYY-MM-DD>', description: 'the chart week (a Thursday)', defaultText: 'the latest the source has', check: 'week' },
      chart: { type: 'string', value: '<alias>', description: 'the chart to extract', defaultText: 'regional-global-weekly, or "chart" in chartlake.config.json', env: ENV.chart },
      ...sourceOptions,
      force: { type: 'boolean', description: 'extract the week again even when the lake has it' },
      'catch-up': { type: 'boolean', description: 'extract every week without data, oldest first' },
      from: { type: 'string', value: '<YYYY-MM-DD>', description: 'with --catch-up: the first week to fill', defaultText: "the lake's first week", check: 'date' },
      to: { type: 'string', value: '<YYYY-MM-DD>', description: 'with --catch-up: the last week to fill', defaultText: 'the latest published week', check: 'date' },
    },
    env: [...SPOTIFY_ENV],
    examples: ['chartlake run', 'chartlake run --week 2026-11-19 --chart regional-us-weekly', 'chartlake run --catch-up --from 2026-01-01'],
    lake: 'creates',
    async run(values) {
      if (values['catch-up']) {
        if (values.week !== undefined || values.force) throw new Error('--catch-up fills every missing week: leave out --week and --force');
        return runCatchUp(values);
      }
      if (values.from !== undefined || values.to !== undefined) throw new Error('--from and --to go with --catch-up (one week: --week <date>)');
      const config = loadConfig({ lake: stringOf(values, 'lake'), chart: stringOf(values, 'chart'), source: stringOf(values, 'source'), apiMode: stringOf(values, 'api-mode') });
      const pipeline = await pipelineLayer().LocalPipeline.open(openLake(values), consoleLogger());
      try {
        const { extract, weeks } = await pipeline.extractWeek({ chart: config.chart, week: stringOf(values, 'week'), force: values.force === true }, config.spotify);
        if (extract.skipped) {
          process.stdout.write(`${extract.chart} ${extract.week} is already in the lake (${extract.rawKey}); --force extracts it again\n`);
          return 0;
        }
        await pipeline.crawl();
        const rows = weeks.reduce((sum, week) => sum + week.rows.chart_entries, 0);
        process.stdout.write(`${extract.chart} ${extract.week}: ${extract.entries} entries (api mode ${extract.apiMode}) → ${extract.rawKey}; ${rows} chart rows transformed\n`);
        return 0;
      } finally {
        await pipeline.close();
      }
    },
  },

  demo: {
    summary: 'run the demo: weekly charts from a local Spotify-compatible server through the whole pipeline',
    description: 'Starts the project\'s Spotify-compatible server on loopback and runs its weekly global charts through the real\npipeline into the lake, then prints a summary. A second run reuses the weeks already in the lake.',
    options: {
      ...lakeOption('write'),
      weeks: { type: 'string', value: '<n>', description: 'how many weeks the demo serves', default: '104', check: 'positive-integer' },
    },
    examples: ['chartlake demo', 'chartlake demo --weeks 8 --lake /tmp/demo-lake'],
    lake: 'creates',
    async run(values) {
      await demoLayer().runDemo({ store: openLake(values), weeks: Number(values.weeks) });
      return 0;
    },
  },

  'spotify-server': {
    summary: 'serve the demo catalog (or, with --from-lake, the tracks of a lake) as a Spotify-compatible server, to try run/enrich offline',
    description:
      'The demo catalog\'s latest week follows the clock, so run, run --catch-up and schedule work against it on any day.\n' +
      'With --from-lake it serves the real track ids and names of the lake\'s chart weeks with made-up but fixed albums,\n' +
      'release dates and ISRCs, so chartlake enrich can be tried on imported history without a Spotify account.',
    options: {
      port: { type: 'string', value: '<n>', description: 'the loopback port (0: any free port)', default: '0', check: 'port' },
      mode: { type: 'string', value: '<development|extended>', description: 'the Spotify app mode to imitate', default: 'development', check: ['development', 'extended'] },
      'from-lake': { type: 'string', value: '<lake>', description: "serve the tracks of this lake's chart weeks instead of the demo catalog" },
    },
    examples: ['chartlake spotify-server --port 8080 --mode extended', 'chartlake spotify-server --from-lake ./lake'],
    lake: 'none',
    async run(values) {
      const mode = stringOf(values, 'mode') as 'development' | 'extended';
      const { startSpotifyServer, DEMO_CHARTS_TOKEN, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } = demoServerLayer();
      const fromLake = stringOf(values, 'from-lake');
      let catalog = demoCatalogLayer().buildDemoCatalog();
      let tryIt = 'npx chartlake run --lake /tmp/try-lake';
      if (fromLake !== undefined) {
        const weeks = await (require('../extract') as typeof import('../extract')).readLakeWeeks(openLake({ lake: fromLake }));
        if (weeks.length === 0) throw new Error(`--from-lake ${fromLake}: the lake holds no chart week (import CSV files first: chartlake import)`);
        catalog = (require('../demo/lake-catalog') as typeof import('../demo/lake-catalog')).buildLakeCatalog(weeks);
        tryIt = `npx chartlake enrich --lake ${fromLake}`;
      }
      const server = await startSpotifyServer({ catalog, mode, port: Number(values.port), ...(fromLake === undefined ? { clock: () => new Date() } : {}) });
      const what = fromLake ? `${catalog.tracks.size} tracks, ${catalog.albums.size} albums, ${catalog.artists.size} artists of ${fromLake}` : 'the demo catalog';
      process.stdout.write(
        `A Spotify-compatible server (${mode} mode, ${what}) listens at ${server.url}. In another shell:\n\n` +
          `  export ${ENV.spotifyBaseUrl}=${server.url} ${ENV.chartsToken}=${DEMO_CHARTS_TOKEN}\n` +
          `  export ${ENV.clientId}=${DEMO_CLIENT_ID} ${ENV.clientSecret}=${DEMO_CLIENT_SECRET}\n` +
          `  ${tryIt}\n\nCtrl-C stops it.\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
      return 0;
    },
  },
};
