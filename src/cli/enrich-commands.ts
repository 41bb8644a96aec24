import { ENV, loadConfig } from '../config';
import { consoleLogger, Progress } from '../log';
import type { LocalPipeline } from '../pipeline';
import { isIsoDate, openStore } from '../store';
import type { Command, Values } from './command';
import type { MusicBrainzOptions } from '../sources';
import { extractLayer, lakeSongsLayer, pipelineLayer, sourcesLayer, transformLayer } from './layers';
import type { ObjectStore } from '../store';
import { lakeOption, rangeOptions, sourceOptions, SPOTIFY_ENV } from './options';

export const enrichCommands: Record<string, Command> = {
  enrich: {
    summary: 'fetch tracks, albums and artists from the Spotify Web API for weeks already in the lake (CSV imports)',
    description:
      'Tracks, then albums, then artists, through the same client, modes and entity cache as the weekly extract: only entities\n' +
      'the cache has never seen are asked for. What was fetched is stored as raw objects of its own (enrichment-*.json) and each\n' +
      'week is rebuilt from all its raw objects. A stopped or failed run keeps what it fetched; the next run continues.',
    options: {
      ...lakeOption('read'),
      chart: { type: 'string', value: '<alias>[,<alias>...]', description: 'the charts to enrich', defaultText: 'every chart in the lake' },
      ...rangeOptions('the weeks to enrich'),
      'api-mode': sourceOptions['api-mode'],
      credits: { type: 'boolean', description: 'then look up the songwriters of every track with an ISRC on MusicBrainz (1 request/s; resumable)' },
    },
    env: [...SPOTIFY_ENV, ENV.musicbrainzContact, ENV.musicbrainzBaseUrl],
    examples: ['chartlake enrich', 'chartlake enrich --chart regional-us-weekly --from 2023-01-01 --to 2023-12-31 --api-mode development'],
    lake: 'reads',
    async run(values) {
      const event = enrichSelection(values);
      const config = loadConfig({ lake: values.lake as string | undefined, apiMode: values['api-mode'] as string | undefined });
      if (!config.spotify.clientId || !config.spotify.clientSecret) {
        throw new Error('enrich reads the Spotify Web API: set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET (an app from developer.spotify.com/dashboard)');
      }
      const store = openStore(config.lake);
      const pipeline = await pipelineLayer().LocalPipeline.open(store, consoleLogger('warn'));
      const progress = new Progress(0, 'entities');
      try {
        // The enrichment objects are stored first, then the weeks they touch are rebuilt in one transform.
        const { value: result, transformed } = await pipeline.inOneBatch(() =>
          extractLayer().handleEnrich(event, {
            store,
            options: config.spotify,
            log: consoleLogger('warn'),
            onProgress: (p) => progress.at(p.fetched, p.toFetch, `${p.requests.toLocaleString('en-US')} requests · ${p.phase}`),
          }),
        );
        progress.finish();
        if (result.weeks.length === 0 && result.alreadyEnriched === 0) {
          process.stdout.write(`no chart week in ${store.location} matches the selection (import CSV files or run a week first)\n`);
          return 0;
        }
        process.stdout.write(
          `enriched ${result.weeks.length} week(s) (${result.alreadyEnriched} already enriched): fetched ${result.fetched.tracks} tracks, ` +
            `${result.fetched.albums} albums, ${result.fetched.artists} artists in ${result.requests} requests (api mode ${result.apiMode}); ` +
            `${transformed.weeks.length} week(s) rebuilt\n`,
        );
        // The enrichment objects are stored either way; a replay or the next transform of the week uses them.
        for (const error of transformed.refused) process.stderr.write(`warning: ${error.message}\n`);
        if (values.credits) await lookUpCredits(store, pipeline, config.musicbrainz);
        await pipeline.crawl();
        return transformed.refused.length > 0 ? 1 : 0;
      } finally {
        await pipeline.close();
      }
    },
  },
};

/** `--chart a,b`, `--from`, `--to`, checked before any request. */
function enrichSelection(values: Values): { charts?: string[]; from?: string; to?: string } {
  const charts = typeof values.chart === 'string' ? values.chart.split(',').map((c) => c.trim()).filter((c) => c !== '') : undefined;
  for (const chart of charts ?? []) {
    if (!/^[a-z0-9][a-z0-9-]*-weekly$/.test(chart)) throw new Error(`--chart ${JSON.stringify(chart)} is not a weekly chart alias (e.g. regional-us-weekly)`);
  }
  const from = values.from as string | undefined;
  const to = values.to as string | undefined;
  for (const [flag, date] of [['--from', from], ['--to', to]] as const) {
    if (date !== undefined && !isIsoDate(date)) throw new Error(`${flag} ${JSON.stringify(date)} is not a date YYYY-MM-DD`);
  }
  if (from && to && from > to) throw new Error(`--from ${from} is after --to ${to}`);
  return { charts, from, to };
}

/**
 * `enrich --credits`: the songwriters of every track with an ISRC, from MusicBrainz (1 request/s, each lookup chain
 * stored as a raw object as soon as it is complete, so a stopped run resumes), then the songwriter tables rebuilt.
 */
async function lookUpCredits(store: ObjectStore, pipeline: LocalPipeline, options: Partial<MusicBrainzOptions>): Promise<void> {
  const songs = await lakeSongsLayer().lakeSongs(store);
  if (songs.length === 0) {
    process.stderr.write(`${store.location}: no track has an ISRC yet, so no songwriter can be looked up\n`);
    return;
  }
  let progress: Progress | undefined;
  const result = await sourcesLayer().fetchSongCredits(store, songs.map((song) => song.isrc), { ...options, log: consoleLogger('warn') }, (p) => {
    progress ??= new Progress(p.toDo, 'ISRCs');
    const left = p.remainingMs === undefined ? '' : ` · ~${Math.ceil(p.remainingMs / 1000)} s left`;
    progress.tick(0, `${p.requests} requests${left}`);
  });
  progress?.finish();
  await transformLayer().rebuildSongCredits(pipeline.router.context);
  const o = result.outcomes;
  process.stdout.write(
    `songwriters: ${result.isrcs} ISRCs, ${result.cached} already looked up, ${result.looked_up} looked up now with ${result.requests} requests ` +
      `(${o.matched} with writers, ${o['no-recording']} unknown to MusicBrainz, ${o['no-work']} without a work, ${o['no-writer']} without a writer)\n`,
  );
}
