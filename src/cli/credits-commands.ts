import { openStore } from '../store';
import { lakeSongsLayer, musicBrainzServerLayer } from './layers';
import type { Command, Values } from './command';

function wholeNumber(values: Values, name: string): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, not ${JSON.stringify(values[name])}`);
  return value;
}

export const creditsCommands: Record<string, Command> = {
  'musicbrainz-server': {
    summary: 'serve a MusicBrainz-compatible test server for a lake\'s ISRCs (or the demo catalog\'s), to try enrich --credits offline',
    description:
      'Answers ISRC and recording lookups in MusicBrainz\'s JSON shape: misses, several recordings per ISRC, works with several\n' +
      'writers, slow answers, and 503 to a client asking faster than --min-interval-ms (as musicbrainz.org does past 1/s).',
    options: {
      'from-lake': { type: 'string', value: '<lake>', description: "serve the ISRCs of this lake's tracks (enriched weeks have them)", defaultText: 'the demo catalog' },
      port: { type: 'string', value: '<n>', description: 'the loopback port (0: any free port)', default: '0', check: 'port' },
      'min-interval-ms': { type: 'string', value: '<n>', description: 'answer 503 to a client asking more often than this', default: '1000', check: 'port' },
      'slow-ms': { type: 'string', value: '<n>', description: 'how long a slow answer takes', default: '1500', check: 'port' },
    },
    examples: ['chartlake musicbrainz-server --from-lake ./lake'],
    lake: 'none',
    async run(values) {
      const fromLake = values['from-lake'] as string | undefined;
      const songs = fromLake ? await lakeSongsLayer().lakeSongs(openStore(fromLake)) : lakeSongsLayer().demoSongs();
      if (songs.length === 0) throw new Error(`--from-lake ${fromLake}: no track has an ISRC yet; run chartlake enrich on it first`);
      const server = await musicBrainzServerLayer().startMusicBrainzServer({
        songs,
        port: wholeNumber(values, 'port'),
        minIntervalMs: wholeNumber(values, 'min-interval-ms'),
        slowMs: wholeNumber(values, 'slow-ms'),
      });
      process.stdout.write(
        `A MusicBrainz-compatible server for ${songs.length} ISRCs (${fromLake ? `the tracks of ${fromLake}` : 'the demo catalog'}) listens at ${server.url}.\n` +
          `It answers 503 to a client asking more than once per ${values['min-interval-ms']} ms. In another shell:\n\n` +
          `  export CHARTLAKE_MUSICBRAINZ_BASE_URL=${server.url}\n` +
          `  npx chartlake enrich --credits --lake ${fromLake ?? '<lake>'}\n\nCtrl-C stops it.\n`,
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
