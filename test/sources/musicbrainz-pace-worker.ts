/**
 * Child process of the MusicBrainz pacing test: starts the test server over the ISRCs in MB_ISRCS (comma-separated),
 * asks it twice at once without pacing, then looks the ISRCs up with the paced client into the folder lake MB_LAKE,
 * and prints what the server saw as JSON. A process of its own: in the test suite's process, a pause of its event
 * loop (a garbage collection of what earlier tests left) delays the in-process server's clock for one request and
 * not the next, and the server then sees two requests closer than the client sent them.
 */
import got from 'got';
import { startMusicBrainzServer } from '../../src/demo/musicbrainz-server';
import { fetchSongCredits } from '../../src/sources';
import { FsStore } from '../../src/store';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

(async () => {
  const isrcs = env('MB_ISRCS').split(',');
  const server = await startMusicBrainzServer({ songs: isrcs.map((isrc) => ({ isrc })), slowShare: 0 });
  try {
    // Unpaced (a 0 ms interval): the server refuses the second request of a chain at once.
    const ask = () => got(`${server.url}/ws/2/isrc/${isrcs[0]}?fmt=json`, { headers: { 'user-agent': 'chartlake-test/1 ( test@example.org )' }, throwHttpErrors: false, retry: { limit: 0 } });
    const hurried = await ask();
    const again = await ask();
    server.clearLog();
    const result = await fetchSongCredits(new FsStore(env('MB_LAKE')), isrcs, { baseUrl: server.url });
    const report = {
      unpaced: [hurried.statusCode, again.statusCode],
      retryAfter: again.headers['retry-after'],
      requests: result.requests,
      log: server.requests.map((request) => ({ status: request.status, at: request.at })),
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await server.close();
  }
})().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
