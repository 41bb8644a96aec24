/**
 * Child process of the MusicBrainz resumption test: looks up the ISRCs in MB_ISRCS (comma-separated) against
 * MB_URL into the folder lake MB_LAKE, pacing MB_INTERVAL_MS, and prints one line per stored chain.
 */
import { fetchSongCredits } from '../../src/sources';
import { FsStore } from '../../src/store';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

fetchSongCredits(new FsStore(env('MB_LAKE')), env('MB_ISRCS').split(','), { baseUrl: env('MB_URL'), minIntervalMs: Number(env('MB_INTERVAL_MS')) }, (progress) =>
  process.stdout.write(`${progress.done}/${progress.toDo} ${progress.isrc} ${progress.outcome}\n`),
).then(
  (result) => process.stdout.write(`done ${result.looked_up} ${result.requests}\n`),
  (error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  },
);
