import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DuckDb, DuckDbEngine, MissingTableError, runSavedAnalysis, savedAnalysis, type DuckDbConnection } from '../../src/query';
import { fetchSongCredits, RECORDING_INCLUDES, type MusicBrainzLookup } from '../../src/sources';
import { FsStore, MUSICBRAINZ_PREFIX, parseMusicBrainzKey } from '../../src/store';
import { buildSongCredits, copyCreditTable, CREDIT_LOOKUPS_COLUMNS, SONG_CREDITS_COLUMNS } from '../../src/transform';
import { Prng } from '../../src/demo/prng';
import { mbidOf, recordingJson, startMusicBrainzServer, type MusicBrainzServer, type RecordingModel, type WorkModel } from '../../src/demo/musicbrainz-server';
import { removeDir, tempDir } from '../support/lake';

const INC = new Set(RECORDING_INCLUDES.split('+'));
const person = (name: string) => ({ id: mbidOf(`person:${name}`), name });
const [ANN, BOB, CY] = [person('Ann Writer'), person('Bob Composer'), person('Cy Producer')];

function recording(id: string, works: RecordingModel['works']): RecordingModel {
  return { id: mbidOf(id), title: id, lengthMs: 200_000, works, producer: CY };
}

function lookup(isrc: string, fetchedAt: string, recordings: RecordingModel[], outcome: MusicBrainzLookup['outcome']): MusicBrainzLookup {
  const first = recordings.length
    ? { request: `/ws/2/isrc/${isrc}?fmt=json`, status: 200, body: { isrc, recordings: recordings.map((r) => ({ id: r.id, title: r.title })) } }
    : { request: `/ws/2/isrc/${isrc}?fmt=json`, status: 404, body: { error: 'Not Found' } };
  return {
    schema_version: 1,
    source: { kind: 'musicbrainz', base_url: 'http://127.0.0.1' },
    isrc,
    fetched_at: fetchedAt,
    outcome,
    answers: [first, ...recordings.map((r) => ({ request: `/ws/2/recording/${r.id}?inc=${RECORDING_INCLUDES}&fmt=json`, status: 200, body: recordingJson(r, INC) }))],
  };
}

async function rows<T>(connection: DuckDbConnection, sql: string): Promise<T[]> {
  return connection.all(sql) as Promise<T[]>;
}

describe('song_credits: flattening raw MusicBrainz lookups', () => {
  let dir: string;
  let duck: DuckDb;
  let connection: DuckDbConnection;

  beforeEach(async () => {
    dir = tempDir('credits');
    duck = await DuckDb.open();
    connection = await duck.connect();
  });
  afterEach(() => {
    connection.close();
    duck.close();
    removeDir(dir);
  });

  it('a co-written song gives one row per writer and role; misses, works without writers and recordings without works give none, but are listed', async () => {
    const song: WorkModel = { id: mbidOf('work:song'), title: 'Song', writers: [{ person: ANN, roles: ['composer', 'lyricist'] }, { person: BOB, roles: ['writer'] }] };
    const mute: WorkModel = { id: mbidOf('work:mute'), title: 'Mute', writers: [] };
    const lookups = [
      // Two recordings of one ISRC performing the same work: credited once.
      lookup('USAAA2300001', '2026-11-01T00:00:00.000Z', [recording('r1', [song]), recording('r2', [song])], 'matched'),
      // An older miss of the same ISRC: the newer answer wins.
      lookup('USAAA2300001', '2026-10-01T00:00:00.000Z', [], 'no-recording'),
      lookup('USAAA2300002', '2026-11-01T00:00:00.000Z', [], 'no-recording'),
      lookup('USAAA2300003', '2026-11-01T00:00:00.000Z', [recording('r3', [])], 'no-work'),
      lookup('USAAA2300004', '2026-11-01T00:00:00.000Z', [recording('r4', [mute])], 'no-writer'),
    ];
    const files = lookups.map((l, i) => {
      const file = path.join(dir, `${i}.json`);
      writeFileSync(file, JSON.stringify(l));
      return file;
    });
    expect(await buildSongCredits(connection, files)).to.deep.equal({ song_credits: 3, credit_lookups: 4 });
    const credits = await rows<Record<string, string>>(connection, 'SELECT isrc, work_title, person_name, role, recording_mbid FROM song_credits ORDER BY person_name, role');
    expect(credits.map((c) => [c.isrc, c.work_title, c.person_name, c.role])).to.deep.equal([
      ['USAAA2300001', 'Song', 'Ann Writer', 'composer'],
      ['USAAA2300001', 'Song', 'Ann Writer', 'lyricist'],
      ['USAAA2300001', 'Song', 'Bob Composer', 'writer'],
    ]);
    // The producer (a recording-level artist relationship) is not a songwriter.
    expect(credits.map((c) => c.person_name)).not.to.include(CY.name);
    const statuses = await rows<{ isrc: string; status: string; recordings: number; works: number; writers: number }>(connection, 'SELECT isrc, status, recordings, works, writers FROM credit_lookups ORDER BY isrc');
    expect(statuses).to.deep.equal([
      { isrc: 'USAAA2300001', status: 'matched', recordings: 2, works: 1, writers: 2 },
      { isrc: 'USAAA2300002', status: 'no-recording', recordings: 0, works: 0, writers: 0 },
      { isrc: 'USAAA2300003', status: 'no-work', recordings: 1, works: 0, writers: 0 },
      { isrc: 'USAAA2300004', status: 'no-writer', recordings: 1, works: 1, writers: 0 },
    ]);

    // Declared types, also when there is nothing to flatten; the caller copies the tables to Parquet.
    const types = async (table: string) => Object.fromEntries((await rows<{ column_name: string; column_type: string }>(connection, `DESCRIBE ${table}`)).map((c) => [c.column_name, c.column_type]));
    expect(await types('song_credits')).to.deep.equal(SONG_CREDITS_COLUMNS);
    expect(await types('credit_lookups')).to.deep.equal(CREDIT_LOOKUPS_COLUMNS);
    const parquet = path.join(dir, 'song_credits.parquet');
    await copyCreditTable(connection, 'song_credits', parquet);
    expect(await rows(connection, `SELECT count(*) AS n FROM read_parquet('${parquet}')`)).to.deep.equal([{ n: 3 }]);
    expect(await buildSongCredits(connection, [])).to.deep.equal({ song_credits: 0, credit_lookups: 0 });
    expect(await types('song_credits')).to.deep.equal(SONG_CREDITS_COLUMNS);
  });
});

describe('top-songwriters on a lake without songwriter lookups', () => {
  it('says which table is missing and how to get it, not DuckDB\'s catalog error', async () => {
    const duck = await DuckDb.open();
    const connection = await duck.connect();
    const engine = new DuckDbEngine(duck, connection, true);
    try {
      await connection.run('CREATE TEMP TABLE chart_entries (chart VARCHAR, year INTEGER, week DATE, rank INTEGER, track_id VARCHAR, streams BIGINT)');
      await connection.run('CREATE TEMP TABLE tracks (chart VARCHAR, year INTEGER, week DATE, track_id VARCHAR, isrc VARCHAR)');
      await connection.run('CREATE TEMP TABLE songs (track_id VARCHAR, song_id VARCHAR)');
      const error = await runSavedAnalysis(engine, savedAnalysis('top-songwriters'), { chart: 'c', from_week: '2024-01-01', to_week: '2024-01-31' }).catch((e: Error) => e);
      expect(error).to.be.instanceOf(MissingTableError);
      expect((error as Error).message).to.equal('saved analysis top-songwriters needs the table song_credits, which this lake does not have yet (chartlake enrich --credits looks the songwriters up on MusicBrainz)');
    } finally {
      await engine.close();
    }
  });
});

describe('song_credits and top-songwriters over lookups from the MusicBrainz test server', function () {
  let dir: string;
  let server: MusicBrainzServer;
  let duck: DuckDb;
  let connection: DuckDbConnection;
  const isrcs = Array.from({ length: 40 }, (_, i) => `USCLK24${String(i).padStart(5, '0')}`);

  before(async () => {
    dir = tempDir('credits-e2e');
    server = await startMusicBrainzServer({ songs: isrcs.map((isrc) => ({ isrc })), minIntervalMs: 0, slowShare: 0 });
    const store = new FsStore(dir);
    await fetchSongCredits(store, isrcs, { baseUrl: server.url, minIntervalMs: 1 });
    duck = await DuckDb.open();
    connection = await duck.connect();
    const files = (await store.list(MUSICBRAINZ_PREFIX)).map((o) => path.join(dir, o.key));
    await buildSongCredits(connection, files);
  });
  after(async () => {
    connection.close();
    duck.close();
    await server.close();
    removeDir(dir);
  });

  /** Writers of an ISRC by the server's model: person id → name, over every recording and work. */
  const writersOf = (isrc: string) => {
    const out = new Map<string, string>();
    for (const r of server.modelOf(isrc)!.recordings) for (const w of r.works) for (const { person: p } of w.writers) out.set(p.id, p.name);
    return out;
  };

  it('has exactly the (work, person, role) credits the server holds, and a status per ISRC that agrees with the raw object', async () => {
    const expected = isrcs.flatMap((isrc) => {
      const set = new Set<string>();
      for (const r of server.modelOf(isrc)!.recordings) for (const w of r.works) for (const { person: p, roles } of w.writers) for (const role of roles) set.add(`${isrc}|${w.id}|${p.id}|${role}`);
      return [...set];
    });
    const actual = await rows<{ k: string }>(connection, "SELECT isrc || '|' || work_mbid || '|' || person_mbid || '|' || role AS k FROM song_credits");
    expect(actual.map((r) => r.k).sort()).to.deep.equal(expected.sort());
    expect(new Set(expected.map((k) => k.split('|')[0])).size).to.be.greaterThan(20);

    const statuses = await rows<{ isrc: string; status: string }>(connection, 'SELECT isrc, status FROM credit_lookups ORDER BY isrc');
    const objects = (await new FsStore(dir).list(MUSICBRAINZ_PREFIX)).map((o) => parseMusicBrainzKey(o.key)!);
    expect(statuses).to.deep.equal(objects.map((o) => ({ isrc: o.isrc, status: o.outcome })).sort((a, b) => a.isrc.localeCompare(b.isrc)));
  });

  it('top-songwriters: each writer gets the full streams of every song they co-wrote; sums checked independently', async () => {
    // Four weeks of a 20-entry chart over the first 30 ISRCs' tracks (plus two tracks without an ISRC).
    const rng = new Prng(7);
    const weeks = ['2024-01-04', '2024-01-11', '2024-01-18', '2024-01-25'];
    const trackIsrc = new Map<string, string | null>([...isrcs.slice(0, 30).map((isrc, i) => [`t${i}`, isrc] as const), ['tx', null], ['ty', null]]);
    const entries: { week: string; rank: number; track: string; streams: number }[] = [];
    for (const week of weeks) {
      const tracks = [...trackIsrc.keys()].filter(() => rng.chance(0.7)).slice(0, 20);
      tracks.forEach((track, i) => entries.push({ week, rank: i + 1, track, streams: 1_000_000 - i * 20_000 + rng.int(0, 999) }));
    }
    await connection.run('CREATE TEMP TABLE chart_entries (chart VARCHAR, year INTEGER, week DATE, rank INTEGER, track_id VARCHAR, streams BIGINT)');
    await connection.run('CREATE TEMP TABLE tracks (chart VARCHAR, year INTEGER, week DATE, track_id VARCHAR, isrc VARCHAR)');
    await connection.run(`INSERT INTO chart_entries VALUES ${entries.map((e) => `('c', ${e.week.slice(0, 4)}, DATE '${e.week}', ${e.rank}, '${e.track}', ${e.streams})`).join(', ')}`);
    // One track id per song here (songs links ids; the analysis counts songs).
    await connection.run('CREATE TEMP TABLE songs (track_id VARCHAR, song_id VARCHAR)');
    await connection.run(`INSERT INTO songs VALUES ${[...trackIsrc.keys()].map((track) => `('${track}', 'song-${track}')`).join(', ')}`);
    await connection.run(`INSERT INTO tracks VALUES ${entries.map((e) => `('c', ${e.week.slice(0, 4)}, DATE '${e.week}', '${e.track}', ${trackIsrc.get(e.track) ? `'${trackIsrc.get(e.track)}'` : 'NULL'})`).join(', ')}`);

    const byWriter = new Map<string, { name: string; streams: number; songs: Set<string>; number1: Set<string> }>();
    let credited = 0;
    for (const e of entries) {
      const isrc = trackIsrc.get(e.track);
      const writers = isrc ? writersOf(isrc) : new Map<string, string>();
      if (writers.size > 0) credited += e.streams;
      for (const [id, name] of writers) {
        const w = byWriter.get(id) ?? { name, streams: 0, songs: new Set<string>(), number1: new Set<string>() };
        w.streams += e.streams;
        w.songs.add(e.track);
        if (e.rank === 1) w.number1.add(e.week);
        byWriter.set(id, w);
      }
    }
    const total = entries.reduce((sum, e) => sum + e.streams, 0);
    const expected = [...byWriter.entries()].sort((a, b) => b[1].streams - a[1].streams || b[1].songs.size - a[1].songs.size || a[1].name.localeCompare(b[1].name));
    // Pool writers recur: some wrote several charting songs.
    expect(expected.some(([, w]) => w.songs.size > 1)).to.equal(true);

    const engine = new DuckDbEngine(duck, connection);
    const result = await runSavedAnalysis(engine, savedAnalysis('top-songwriters'), { chart: 'c', from_week: '2024-01-01', to_week: '2024-01-31' });
    expect(result.rows.length).to.equal(Math.min(50, expected.length));
    result.rows.forEach((row, i) => {
      const [id, w] = expected[i];
      expect(row.person_mbid, `row ${i}`).to.equal(id);
      expect(Number(row.streams), w.name).to.equal(w.streams);
      expect(Number(row.charting_songs), w.name).to.equal(w.songs.size);
      expect(Number(row.weeks_at_number_1), w.name).to.equal(w.number1.size);
      expect(row.share_pct, w.name).to.be.closeTo((100 * w.streams) / total, 0.006);
      expect(row.credited_share_pct).to.be.closeTo((100 * credited) / total, 0.006);
    });
  });
});
