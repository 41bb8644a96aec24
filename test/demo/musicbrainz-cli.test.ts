import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { DuckDb, sqlString } from '../../src/query';
import { fetchSongCredits } from '../../src/sources';
import { FsStore, MUSICBRAINZ_PREFIX, parseMusicBrainzKey } from '../../src/store';
import { demoSongs, lakeSongs } from '../../src/demo/lake-songs';
import { removeDir, tempDir } from '../support/lake';

const REPO = path.resolve(__dirname, '..', '..');

/** A lake with a tracks table of two weeks: ISRCs repeated, one track without. */
async function lakeWithTracks(dir: string): Promise<void> {
  const weeks: Record<string, string[]> = {
    '2024-01-04': [`('t1', 'One', 'USAAA2400001')`, `('t2', 'Two', 'USAAA2400002')`, `('t3', 'Three', NULL)`],
    '2024-01-11': [`('t1', 'One', 'USAAA2400001')`, `('t4', 'Four', 'GBBBB2400004')`],
  };
  const duck = await DuckDb.open();
  try {
    // One file for the year, `week` a column (the lake's layout).
    const file = path.join(dir, 'transformed', 'tracks', 'chart=test-weekly', 'year=2024', 'part-0.parquet');
    mkdirSync(path.dirname(file), { recursive: true });
    const selects = Object.entries(weeks).map(
      ([week, rows]) => `SELECT DATE '${week}' AS week, CAST(a AS VARCHAR) AS track_id, CAST(b AS VARCHAR) AS name, CAST(c AS VARCHAR) AS isrc FROM (VALUES ${rows.join(', ')}) AS v(a, b, c)`,
    );
    await duck.withConnection((c) => c.run(`COPY (${selects.join(' UNION ALL ')}) TO ${sqlString(file)} (FORMAT parquet)`));
  } finally {
    duck.close();
  }
}

describe('musicbrainz-server: the ISRCs of a lake, and the command', function () {
  let dir: string;
  let child: ChildProcess | undefined;

  beforeEach(() => {
    dir = tempDir('mb-cli');
  });
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGTERM');
    child = undefined;
    removeDir(dir);
  });

  it("reads the distinct ISRCs of the lake's tracks through the query layer", async () => {
    await lakeWithTracks(dir);
    expect(await lakeSongs(new FsStore(dir))).to.deep.equal([
      { isrc: 'GBBBB2400004', title: 'Four' },
      { isrc: 'USAAA2400001', title: 'One' },
      { isrc: 'USAAA2400002', title: 'Two' },
    ]);
  });

  it('a lake without tracks is an error in the user\'s terms, not DuckDB\'s', async () => {
    let message = '';
    await lakeSongs(new FsStore(dir)).catch((error: Error) => (message = error.message));
    expect(message).to.equal(`${dir} has no tracks table to read ISRCs from: import or extract chart weeks first`);
  });

  it('the demo set is the demo catalog: every track with its ISRC and songwriters', () => {
    const songs = demoSongs();
    expect(songs.length).to.be.greaterThan(1000);
    expect(songs.every((song) => /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/.test(song.isrc) && (song.writers?.length ?? 0) > 0)).to.equal(true);
  });

  it('`chartlake musicbrainz-server --from-lake` prints the export line; chartlake pointed at it looks up every ISRC', async () => {
    await lakeWithTracks(dir);
    child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/main.ts', 'musicbrainz-server', '--from-lake', dir, '--min-interval-ms', '0'], {
      cwd: REPO,
      env: { ...process.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /export CHARTLAKE_MUSICBRAINZ_BASE_URL=(\S+)/.exec(stdout);
        if (match) resolve(match[1]);
      });
      child!.on('exit', (code) => reject(new Error(`musicbrainz-server exited with ${code}: ${stdout}`)));
    });
    expect(stdout).to.contain('for 3 ISRCs');
    const store = new FsStore(dir);
    const result = await fetchSongCredits(store, ['USAAA2400001', 'USAAA2400002', 'GBBBB2400004'], { baseUrl: url, minIntervalMs: 1 });
    expect(result.looked_up).to.equal(3);
    const stored = (await store.list(MUSICBRAINZ_PREFIX)).map((o) => parseMusicBrainzKey(o.key)!.isrc);
    expect(stored.sort()).to.deep.equal(['GBBBB2400004', 'USAAA2400001', 'USAAA2400002']);
  });
});
