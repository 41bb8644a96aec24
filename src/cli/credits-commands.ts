import { consoleLogger, Progress } from '../log';
import { loadConfig } from '../config';
import { fetchSongCredits } from '../sources';
import { openStore } from '../store';
import { startMusicBrainzServer } from '../demo/musicbrainz-server';
import { demoSongs, lakeSongs } from '../demo/lake-songs';
import type { Command, Values } from './command';

function wholeNumber(values: Values, name: string): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, not ${JSON.stringify(values[name])}`);
  return value;
}

export const creditsCommands: Record<string, Command> = {
  credits: {
    summary: 'look up the songwriters of the lake\'s tracks on MusicBrainz (by ISRC; 1 request/s; resumable)',
    args: '[--lake <lake>]  (CHARTLAKE_MUSICBRAINZ_CONTACT: your email or URL, for the User-Agent)',
    options: { lake: { type: 'string' } },
    async run(values) {
      const config = loadConfig({ lake: values.lake as string | undefined });
      const store = openStore(config.lake);
      const songs = await lakeSongs(store);
      if (songs.length === 0) {
        process.stderr.write(`${store.location}: no track has an ISRC yet; chartlake enrich fetches them from the Spotify Web API\n`);
        return 1;
      }
      let progress: Progress | undefined;
      const result = await fetchSongCredits(store, songs.map((song) => song.isrc), { ...config.musicbrainz, log: consoleLogger('warn') }, (p) => {
        progress ??= new Progress(p.toDo, 'ISRCs');
        const left = p.remainingMs === undefined ? '' : ` · ~${Math.ceil(p.remainingMs / 1000)} s left`;
        progress.tick(0, `${p.requests} requests${left}`);
      });
      progress?.finish();
      const o = result.outcomes;
      process.stdout.write(
        `${result.isrcs} ISRCs: ${result.cached} already looked up, ${result.looked_up} looked up now with ${result.requests} requests ` +
          `(${o.matched} with writers, ${o['no-recording']} unknown to MusicBrainz, ${o['no-work']} without a work, ${o['no-writer']} without a writer)\n`,
      );
      return 0;
    },
  },

  'musicbrainz-server': {
    summary: 'serve a MusicBrainz-compatible test server for a lake\'s ISRCs (or the demo catalog\'s), to try credits offline',
    args: '[--from-lake <lake>] [--port <n>] [--min-interval-ms <n>] [--slow-ms <n>]',
    options: {
      'from-lake': { type: 'string' },
      port: { type: 'string', default: '0' },
      'min-interval-ms': { type: 'string', default: '1000' },
      'slow-ms': { type: 'string', default: '1500' },
    },
    async run(values) {
      const fromLake = values['from-lake'] as string | undefined;
      const songs = fromLake ? await lakeSongs(openStore(fromLake)) : demoSongs();
      if (songs.length === 0) throw new Error(`--from-lake ${fromLake}: no track has an ISRC yet; run chartlake enrich on it first`);
      const server = await startMusicBrainzServer({
        songs,
        port: wholeNumber(values, 'port'),
        minIntervalMs: wholeNumber(values, 'min-interval-ms'),
        slowMs: wholeNumber(values, 'slow-ms'),
      });
      process.stdout.write(
        `A MusicBrainz-compatible server for ${songs.length} ISRCs (${fromLake ? `the tracks of ${fromLake}` : 'the demo catalog'}) listens at ${server.url}.\n` +
          `It answers 503 to a client asking more than once per ${values['min-interval-ms']} ms. In another shell:\n\n` +
          `  export CHARTLAKE_MUSICBRAINZ_BASE_URL=${server.url}\n` +
          `  npm run chartlake -- credits --lake ${fromLake ?? '<lake>'}\n\nCtrl-C stops it.\n`,
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
