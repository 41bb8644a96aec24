import { loadConfig } from '../config';
import { consoleLogger } from '../log';
import { LocalPipeline } from '../pipeline';
import { openStore } from '../store';
import { runDemo } from '../demo/run-demo';
import { buildDemoCatalog } from '../demo/catalog';
import { buildLakeCatalog } from '../demo/lake-catalog';
import { readLakeWeeks } from '../extract';
import { DEMO_CHARTS_TOKEN, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startSpotifyServer } from '../demo/spotify-server';
import type { Command } from './command';
import { runCatchUp } from './quality-commands';

export const runCommands: Record<string, Command> = {
  run: {
    summary: 'extract and transform one chart week (default: the latest the source has)',
    args: '[--week <YYYY-MM-DD>] [--chart <alias>] [--source charts-service|playlist:<id>] [--force] | --catch-up [--from <date>] [--to <date>]',
    options: {
      lake: { type: 'string' },
      week: { type: 'string' },
      'catch-up': { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      chart: { type: 'string' },
      source: { type: 'string' },
      'api-mode': { type: 'string' },
      force: { type: 'boolean' },
    },
    async run(values) {
      // --catch-up: every week without data, oldest first (src/schedule/catch-up.ts).
      if (values['catch-up']) return runCatchUp(values);
      const config = loadConfig({
        lake: values.lake as string | undefined,
        chart: values.chart as string | undefined,
        source: values.source as string | undefined,
        apiMode: values['api-mode'] as string | undefined,
      });
      const store = openStore(config.lake);
      const pipeline = await LocalPipeline.open(store, consoleLogger());
      try {
        const { extract, weeks } = await pipeline.extractWeek({ chart: config.chart, week: values.week as string | undefined, force: values.force === true }, config.spotify);
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
    summary: 'run the demo: 104 weeks from a local Spotify-compatible server through the whole pipeline',
    options: { lake: { type: 'string' }, weeks: { type: 'string' } },
    async run(values) {
      const config = loadConfig({ lake: values.lake as string | undefined });
      const weeks = values.weeks ? Number(values.weeks) : undefined;
      if (weeks !== undefined && !(Number.isInteger(weeks) && weeks > 0)) throw new Error('--weeks must be a positive whole number');
      await runDemo({ store: openStore(config.lake), weeks });
      return 0;
    },
  },

  'spotify-server': {
    summary: 'serve the demo catalog (or, with --from-lake, the tracks of a lake) as a Spotify-compatible server, to try run/enrich offline',
    args: '[--port <n>] [--mode development|extended] [--from-lake <lake>]',
    options: { port: { type: 'string', default: '0' }, mode: { type: 'string', default: 'development' }, 'from-lake': { type: 'string' } },
    async run(values) {
      const mode = values.mode as string;
      if (mode !== 'development' && mode !== 'extended') throw new Error('--mode must be development or extended');
      const fromLake = values['from-lake'] as string | undefined;
      let catalog = buildDemoCatalog();
      let tryIt = 'npm run chartlake -- run --lake /tmp/try-lake';
      if (fromLake !== undefined) {
        const store = openStore(fromLake);
        const weeks = await readLakeWeeks(store);
        if (weeks.length === 0) throw new Error(`--from-lake ${fromLake}: the lake holds no chart week (import CSV files first: chartlake import)`);
        catalog = buildLakeCatalog(weeks);
        tryIt = `npm run chartlake -- enrich --lake ${fromLake}`;
      }
      // The demo's latest week follows the clock, so run, run --catch-up and schedule work against it on any day.
      const server = await startSpotifyServer({ catalog, mode, port: Number(values.port), ...(fromLake === undefined ? { clock: () => new Date() } : {}) });
      const what = fromLake ? `${catalog.tracks.size} tracks, ${catalog.albums.size} albums, ${catalog.artists.size} artists of ${fromLake}` : 'the demo catalog';
      process.stdout.write(
        `A Spotify-compatible server (${mode} mode, ${what}) listens at ${server.url}. In another shell:\n\n` +
          `  export CHARTLAKE_SPOTIFY_BASE_URL=${server.url} CHARTLAKE_CHARTS_TOKEN=${DEMO_CHARTS_TOKEN}\n` +
          `  export SPOTIFY_CLIENT_ID=${DEMO_CLIENT_ID} SPOTIFY_CLIENT_SECRET=${DEMO_CLIENT_SECRET}\n` +
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
