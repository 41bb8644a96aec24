import { expect } from 'chai';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { crawl } from '../../src/catalog';
import { DuckDb, localLakeRoot } from '../../src/query';
import { FsStore, lineageKey, rawCsvKey, S3Store, songIdentityKey, SONGS_PREFIX, songsFileKey, type SongIdentityPart } from '../../src/store';
import { startS3rver } from '../aws/s3rver';
import { parseChartsCsvName, rebuildSongs, songsAreStale, transformRawObjects, type SongsRebuild, type TransformContext } from '../../src/transform';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';
import { songsFileRows } from '../support/rows';
import { Prng } from '../../src/demo/prng';
import { randomChartWeeks, SongChartLake, type ChartWeekRows } from './song-charts';

/** The rows of one of the lake's songs files, in a fixed order, as comparable JSON. */
async function rowsOf(duck: DuckDb, file: string): Promise<unknown[]> {
  return duck.withConnection((connection) => connection.all(`SELECT * FROM read_parquet('${file}') ORDER BY ALL`));
}

const PARTS: readonly SongIdentityPart[] = ['ids', 'changed-ids', 'links', 'weeks'];

/** `songs` and the state of song identity as the lake holds them (the ids: the ids file, changed-ids winning). */
async function songTables(duck: DuckDb, store: FsStore): Promise<Record<string, unknown[]>> {
  const tables: Record<string, unknown[]> = { songs: await songsFileRows(duck, store.root) };
  for (const part of ['links', 'weeks'] as const) tables[part] = await rowsOf(duck, store.pathOf(songIdentityKey(part)));
  const [ids, changed] = [songIdentityKey('ids'), songIdentityKey('changed-ids')].map((key) => `read_parquet('${store.pathOf(key)}')`);
  tables.ids = await duck.withConnection((connection) =>
    connection.all(`SELECT * FROM ${ids} WHERE track_id NOT IN (SELECT track_id FROM ${changed}) UNION ALL BY NAME SELECT * FROM ${changed} ORDER BY ALL`),
  );
  return tables;
}

/** The ids file as it is now (its inode and time): an increment that wrote only changed-ids leaves it as it was. */
const idsFileVersion = (store: FsStore) => {
  const stat = statSync(store.pathOf(songIdentityKey('ids')), { bigint: true });
  return `${stat.ino}-${stat.mtimeNs}`;
};

/** The same tables built over every committed week: the state removed first. */
async function fullTables(context: TransformContext & { store: FsStore }): Promise<{ rebuild: SongsRebuild; tables: Record<string, unknown[]> }> {
  for (const part of PARTS) await context.store.delete(songIdentityKey(part));
  const rebuild = await rebuildSongs(context);
  return { rebuild, tables: await songTables(context.duck, context.store) };
}

/** A song of one id, numbered: `s001` "Song 1" by "Artist 1" (another name, id or an ISRC when given). */
const song = (n: number, name = `Song ${n}`, id = `s${String(n).padStart(3, '0')}`, isrc: string | null = null) => ({ track_id: id, name, artist: `Artist ${n}`, isrc });
type Song = ReturnType<typeof song>;

/** The week `index` weeks after 2023-11-30 of one chart, its songs ranked in order (credits as the chart names them). */
function weekOf(index: number, ids: readonly Song[]): ChartWeekRows {
  const week = new Date(Date.UTC(2023, 10, 30 + 7 * index)).toISOString().slice(0, 10);
  return {
    chart: 'regional-aa-weekly',
    week,
    runId: `run-${week}`,
    entries: ids.map((id, rank) => ({ rank: rank + 1, track_id: id.track_id, track_name: id.name, artist_names: id.artist, previous_rank: null, weeks_on_chart: 1 })),
    tracks: ids.map((id) => ({ track_id: id.track_id, isrc: id.isrc })),
    credits: ids.map((id) => ({ track_id: id.track_id, artist_name: id.artist })),
  };
}

describe('song identity by increments equals song identity over the whole lake', function () {
  this.timeout(600_000);
  let dir: string;
  let duck: DuckDb;
  let context: TransformContext & { store: FsStore };
  /** Work folders of a test (the random charts' files, a rebuild's work folder), removed after it. */
  let scratch: string[] = [];
  const scratchDir = (label: string) => {
    scratch.push(tempDir(label));
    return scratch[scratch.length - 1];
  };

  beforeEach(async () => {
    dir = tempDir('songs-increment');
    duck = await DuckDb.open();
    context = { store: new FsStore(dir), duck };
  });
  afterEach(() => {
    duck?.close();
    if (dir) removeDir(dir);
    scratch.forEach(removeDir);
    scratch = [];
  });

  const importWeek = async (file: string, source = US_2023) => {
    const { chart, week } = parseChartsCsvName(file);
    const key = rawCsvKey({ chart, week }, file);
    await context.store.put(key, readFileSync(path.join(source, file)));
    const result = await transformRawObjects([key], context, { songs: false });
    expect(result.refused).to.deep.equal([]);
  };

  it('adding the 52 real US weeks of 2023 one by one: each increment gives the tables a full rebuild gives', async function () {
    requireShared(this);
    const files = readdirSync(US_2023).filter((name) => name.endsWith('.csv')).sort();
    expect(files).to.have.length(52);
    const modes: string[] = [];
    const reasons: string[] = [];
    const idsWritten: boolean[] = [];
    for (const file of files) {
      await importWeek(file);
      const idsBefore = existsSync(context.store.pathOf(songIdentityKey('ids'))) ? idsFileVersion(context.store) : undefined;
      const increment = await rebuildSongs(context);
      idsWritten.push(idsFileVersion(context.store) !== idsBefore);
      modes.push(increment.mode);
      reasons.push(...increment.reasons);
      const tables = await songTables(duck, context.store);
      const full = await fullTables(context);
      expect(full.rebuild.mode).to.equal('full');
      for (const name of Object.keys(tables)) expect(tables[name], `${name} after ${file}`).to.deep.equal(full.tables[name]);
    }
    // The first week has no state yet; every other is an increment unless the state cannot decide it.
    expect(modes[0]).to.equal('full');
    expect(reasons).to.deep.equal(['no state of song identity yet']);
    // Most increments write only the ids that changed; now and then the ids file is written whole again.
    const wholeAgain = idsWritten.slice(1).filter(Boolean).length;
    expect(wholeAgain, 'increments that wrote the ids file whole').to.be.within(1, 25);
    // The lake's songs are the real year's: "Flowers" over 3 ids, "Last Night" over 2.
    const songs = (await songTables(duck, context.store)).songs as { song_name: string; song_id: string }[];
    const idsOf = (name: string) => songs.filter((row) => row.song_name === name).length;
    expect([idsOf('Flowers'), idsOf('Last Night')]).to.deep.equal([3, 2]);
  });

  it('on random charts (shared ISRCs, credits, two ids side by side, weeks interleaved or committed again) each increment gives the tables a full rebuild gives', async () => {
    const modes = { increment: 0, full: 0 };
    const reasons = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const lake = new SongChartLake(context.store, duck, scratchDir('song-charts'));
      const random = new Prng(seed);
      const [first, second] = randomChartWeeks(seed, 12);
      const committed: ChartWeekRows[] = [];
      let steps = 0;
      while (first.length + second.length > 0) {
        // The charts' weeks arrive interleaved, one or two at a time; now and then a week is committed again.
        const batch: ChartWeekRows[] = [];
        for (let count = random.chance(0.2) ? 2 : 1; count > 0; count -= 1) {
          const from = first.length === 0 ? second : second.length === 0 ? first : random.chance(0.5) ? first : second;
          if (from.length > 0) batch.push(from.shift()!);
        }
        if (committed.length > 0 && random.chance(0.1)) {
          const again = random.pick(committed);
          batch.push({ ...again, runId: `${again.runId}-again-${steps}` });
        }
        await lake.commit(batch);
        committed.push(...batch);
        const increment = await rebuildSongs(context);
        const tables = await songTables(duck, context.store);
        const full = await fullTables(context);
        for (const name of Object.keys(tables)) expect(tables[name], `${name}, seed ${seed}, step ${steps} (${increment.mode})`).to.deep.equal(full.tables[name]);
        if (steps > 0) modes[increment.mode] += 1;
        increment.reasons.forEach((reason) => reasons.add(reason.replace(/ \(.*$/, '')));
        steps += 1;
      }
      for (const part of PARTS) await context.store.delete(songIdentityKey(part));
      for (const object of await context.store.list(SONGS_PREFIX)) await context.store.delete(object.key);
      removeDir(dir);
      dir = tempDir('songs-increment');
      context = { ...context, store: new FsStore(dir) };
    }
    // These charts are made to be hard: most steps need the whole lake, for reasons the state cannot decide. None
    // is a state written in part: nothing here writes one (DuckDB's file cache once served a replaced file's old
    // footer, which this caught).
    expect(modes.increment).to.be.at.least(30);
    expect([...reasons]).to.not.include('the state of song identity was written in part');
    expect([...reasons]).to.include.members(['new links join two songs', 'an id seen before has other credited artists or ISRC', 'two linked ids chart in the same added week']);
  });

  it('an increment reads only the lineage objects written since the state, and gives what a full rebuild gives', async () => {
    const lake = new SongChartLake(context.store, duck, scratchDir('song-charts'));
    const [first, second] = randomChartWeeks(2, 4);
    await lake.commit([...first.slice(0, 3), ...second.slice(0, 3)]);
    expect((await rebuildSongs(context)).mode).to.equal('full');
    // The same folder seen as any object store (not a folder lake): what the rebuild reads goes through `get`.
    const gets: string[] = [];
    const store = context.store;
    const anyStore = new Proxy(store, {
      getPrototypeOf: () => Object.prototype,
      get: (target, name: keyof FsStore) => {
        if (name === 'get') return (key: string) => (gets.push(key), target.get(key));
        const value = target[name];
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    await lake.commit([first[3]]);
    const idsBefore = idsFileVersion(store);
    const increment = await rebuildSongs({ ...context, store: anyStore, workDir: scratchDir('songs-any-store') });
    expect(increment.mode, increment.reasons.join('; ')).to.equal('increment');
    // It wrote the ids that changed, not the ids file.
    expect(idsFileVersion(store), 'the ids file').to.equal(idsBefore);
    const changed = await duck.withConnection((connection) => connection.all(`SELECT track_id FROM read_parquet('${store.pathOf(songIdentityKey('changed-ids'))}')`));
    expect(changed.length).to.be.greaterThan(0);
    expect(gets.filter((key) => key.startsWith('transformed/_lineage/'))).to.deep.equal([lineageKey({ chart: first[3].chart, year: 2023 })]);
    const tables = await songTables(duck, store);
    const full = await fullTables(context);
    for (const name of Object.keys(tables)) expect(tables[name], name).to.deep.equal(full.tables[name]);
  });

  it('keeps a new id in the state after it leaves the chart, while only changed ids are written', async () => {
    // 40 songs of one id each, then a new id for one week: the increment copies the rows of the ids its weeks reach,
    // and two weeks later the new id is in none of them, but still in the rows the state changed since its ids file.
    const lake = new SongChartLake(context.store, duck, scratchDir('song-charts'));
    const usual = Array.from({ length: 40 }, (_, index) => song(index + 1));
    const withNewId = [...usual.slice(0, 39), song(99)];
    await lake.commit([weekOf(0, usual)]);
    expect((await rebuildSongs(context)).mode).to.equal('full');
    const idsFile = idsFileVersion(context.store);
    for (const [index, ids] of [withNewId, usual, usual].entries()) {
      await lake.commit([weekOf(index + 1, ids)]);
      expect((await rebuildSongs(context)).mode, `week ${index + 2}`).to.equal('increment');
    }
    // Every increment wrote only the changed ids: the new id lies in changed-ids alone.
    expect(idsFileVersion(context.store), 'the ids file').to.equal(idsFile);
    const tables = await songTables(duck, context.store);
    expect((tables.ids as { track_id: string }[]).map((row) => row.track_id)).to.include('s099');
    expect(tables).to.deep.equal((await fullTables(context)).tables);
  });

  it('keeps a song in conflict so when an increment that does not reach it writes the ids file whole', async () => {
    // A song in conflict: t051 continues t050's title and artist, t052 has t050's ISRC, and t051 and t052 chart in the
    // same week. Two weeks later the increment reads none of them (only the added week and the one before), and its
    // new ids are enough to write the ids file whole: the rows of the three must still say they are in conflict.
    const lake = new SongChartLake(context.store, duck, scratchDir('song-charts'));
    const usual = Array.from({ length: 40 }, (_, index) => song(index + 1));
    await lake.commit([
      weekOf(0, [...usual.slice(0, 39), song(50, 'Twin', 't050', 'QZTWIN000001')]),
      weekOf(1, [...usual.slice(0, 38), song(50, 'Twin', 't051'), song(50, 'Twin (Live)', 't052', 'QZTWIN000001')]),
    ]);
    expect((await rebuildSongs(context)).mode).to.equal('full');
    const conflictOf = async () =>
      (await songTables(duck, context.store)).ids.flatMap((row) => {
        const { track_id: id, conflict } = row as { track_id: string; conflict: boolean };
        return id.startsWith('t') ? [conflict] : [];
      });
    expect(await conflictOf(), 'in conflict after a full rebuild').to.deep.equal([true, true, true]);
    await lake.commit([weekOf(2, usual)]);
    expect((await rebuildSongs(context)).mode).to.equal('increment');
    const idsFile = idsFileVersion(context.store);
    await lake.commit([weekOf(3, [...usual.slice(0, 30), ...Array.from({ length: 10 }, (_, index) => song(index + 60))])]);
    const increment = await rebuildSongs(context);
    expect(increment.mode, increment.reasons.join('; ')).to.equal('increment');
    expect(idsFileVersion(context.store), 'the ids file is written whole').to.not.equal(idsFile);
    expect(await conflictOf()).to.deep.equal([true, true, true]);
    expect(await songTables(duck, context.store)).to.deep.equal((await fullTables(context)).tables);
  });

  it('writes again only the files of songs whose rows changed: of the year each id first charted', async () => {
    // 40 songs of one id each from 2023-11-30; in 2024 a new song, then a new id of song 1 under another name (the
    // song's name is its newest id's, so its 2023 row changes too).
    const lake = new SongChartLake(context.store, duck, scratchDir('song-charts'));
    const usual = Array.from({ length: 40 }, (_, index) => song(index + 1));
    const fileVersion = (year: number) => {
      const file = context.store.pathOf(songsFileKey(year));
      if (!existsSync(file)) return undefined;
      const stat = statSync(file, { bigint: true });
      return `${stat.ino}-${stat.mtimeNs}`;
    };
    const rowsOfYear = (year: number) => rowsOf(duck, context.store.pathOf(songsFileKey(year)));
    await lake.commit([weekOf(0, usual)]);
    expect((await rebuildSongs(context)).keys).to.deep.equal([songsFileKey(2023)]);
    const of2023 = { version: fileVersion(2023), rows: await rowsOfYear(2023) };

    // 2024-01-04: a new song. Only the 2024 file is written.
    await lake.commit([weekOf(5, [...usual.slice(0, 39), song(99)])]);
    const newSong = await rebuildSongs(context);
    expect(newSong).to.deep.include({ mode: 'increment', keys: [songsFileKey(2024)] });
    expect(fileVersion(2023), 'the 2023 file').to.equal(of2023.version);
    expect((await rowsOfYear(2024)).map((row) => (row as { track_id: string }).track_id)).to.deep.equal(['s099']);

    // A new id of song 2 under its very name: song 2 (of 2023) is computed again, but its row there stays as it was.
    await lake.commit([weekOf(6, [usual[0], song(2, 'Song 2', 's002b'), ...usual.slice(2, 39), song(99)])]);
    expect(await rebuildSongs(context)).to.deep.include({ mode: 'increment', keys: [songsFileKey(2024)] });
    expect(fileVersion(2023), 'the 2023 file').to.equal(of2023.version);

    // A new id of song 1 with its name in capitals (the same title): song 1's row in 2023 changes, and both files are written.
    await lake.commit([weekOf(7, [song(1, 'SONG 1', 's001b'), ...usual.slice(1, 39), song(99)])]);
    const newId = await rebuildSongs(context);
    expect(newId.mode, newId.reasons.join('; ')).to.equal('increment');
    expect(newId.keys).to.deep.equal([songsFileKey(2023), songsFileKey(2024)]);
    expect(await rowsOfYear(2023)).to.not.deep.equal(of2023.rows);
    const tables = await songTables(duck, context.store);
    expect(tables).to.deep.equal((await fullTables(context)).tables);

    // A file of songs removed: the next rebuild writes every year again.
    await context.store.delete(songsFileKey(2023));
    expect(await rebuildSongs(context)).to.deep.include({ mode: 'full', reasons: ['the file of songs of 2023 is missing'] });
    expect(await songTables(duck, context.store)).to.deep.equal(tables);

    // A lake whose songs an earlier version wrote in one file: songs is stale, and a rebuild removes that file.
    writeFileSync(context.store.pathOf('transformed/songs/part-0.parquet'), readFileSync(context.store.pathOf(songsFileKey(2023))));
    expect(await songsAreStale(context.store)).to.equal(true);
    expect(await rebuildSongs(context)).to.deep.include({ mode: 'full', reasons: ['songs was written by an earlier version of chartlake (in one file)'] });
    expect((await context.store.list(SONGS_PREFIX)).map((object) => object.key)).to.deep.equal([songsFileKey(2023), songsFileKey(2024)]);
    expect(await songsAreStale(context.store)).to.equal(false);
    expect(await songTables(duck, context.store)).to.deep.equal(tables);
  });

  it('reads every committed week when a week is replaced, an older week arrives, or the state was written in part', async function () {
    requireShared(this);
    const files = readdirSync(US_2023).filter((name) => name.endsWith('.csv')).sort();
    for (const file of files.slice(1, 4)) await importWeek(file);
    expect((await rebuildSongs(context)).mode).to.equal('full');
    await importWeek(files[4]);
    expect((await rebuildSongs(context)).mode).to.equal('increment');

    await importWeek(files[0]);
    const older = await rebuildSongs(context);
    expect(older).to.include({ mode: 'full' });
    expect(older.reasons.join()).to.match(/older than their chart's newest/);

    // Transforming a week again commits it under another run id.
    const { chart, week } = parseChartsCsvName(files[2]);
    await transformRawObjects([rawCsvKey({ chart, week }, files[2])], context, { songs: false });
    const replaced = await rebuildSongs(context);
    expect(replaced.mode).to.equal('full');

    // A state built by other rules or in another layout (another version of chartlake wrote it) is not read.
    await rebuildSongs(context);
    for (const part of PARTS) {
      const file = context.store.pathOf(songIdentityKey(part));
      await duck.withConnection((connection) => connection.run(`COPY (SELECT * FROM '${file}') TO '${file}.v1' (FORMAT parquet, KV_METADATA {song_identity: 'v1:0123456789abcdef'})`));
      renameSync(`${file}.v1`, file);
    }
    const otherVersion = await rebuildSongs(context);
    expect(otherVersion).to.deep.include({ mode: 'full', reasons: ['the state of song identity was built by other rules (another version of chartlake)'] });
    // The state of the version before changed-ids: ids, links and weeks only.
    await context.store.delete(songIdentityKey('changed-ids'));
    expect(await rebuildSongs(context)).to.deep.include({ mode: 'full', reasons: ['the state of song identity was built by other rules (another version of chartlake)'] });

    const before = await songTables(duck, context.store);
    await context.store.put(songIdentityKey('links'), await stateOfAnotherBuild());
    const partial = await rebuildSongs(context);
    expect(partial).to.deep.include({ mode: 'full', reasons: ['the state of song identity was written in part'] });
    expect(await songTables(duck, context.store)).to.deep.equal(before);
  });

  it('on an S3 lake (s3rver): the state lies in the bucket, a weekly run reads it, and gives what a full rebuild gives', async function () {
    requireShared(this);
    const s3 = await startS3rver();
    try {
      await s3.createBucket('songs-lake');
      const lake: TransformContext = { store: new S3Store({ bucket: 'songs-lake', client: s3.client }), duck, workDir: tempDir('songs-s3-work') };
      const bucketSongs = async () => {
        // The bucket's files of songs, copied to a folder laid out as the lake.
        const copy = path.join(lake.workDir!, 'songs-copy');
        removeDir(copy);
        mkdirSync(path.join(copy, SONGS_PREFIX), { recursive: true });
        for (const object of await lake.store.list(SONGS_PREFIX)) writeFileSync(path.join(copy, object.key), (await lake.store.get(object.key))!);
        return songsFileRows(duck, copy);
      };
      const modes: string[] = [];
      for (const file of readdirSync(US_2023).filter((name) => name.endsWith('.csv')).sort().slice(0, 4)) {
        const { chart, week } = parseChartsCsvName(file);
        const key = rawCsvKey({ chart, week }, file);
        await lake.store.put(key, readFileSync(path.join(US_2023, file)));
        await transformRawObjects([key], lake, { songs: false });
        modes.push((await rebuildSongs(lake)).mode);
      }
      expect(modes).to.deep.equal(['full', 'increment', 'increment', 'increment']);
      const incremental = await bucketSongs();
      for (const part of PARTS) await lake.store.delete(songIdentityKey(part));
      expect((await rebuildSongs(lake)).mode).to.equal('full');
      expect(await bucketSongs()).to.deep.equal(incremental);
      // A local reader's copy of the bucket holds the tables, not the state it never reads.
      const mirror = await localLakeRoot(lake.store, path.join(lake.workDir!, 'mirror'));
      expect(existsSync(path.join(mirror, ...songsFileKey(2023).split('/')))).to.equal(true);
      expect(existsSync(path.join(mirror, 'transformed', '_song_identity'))).to.equal(false);
      removeDir(lake.workDir!);
    } finally {
      await s3.close();
    }
  });

  it('keeps its state out of the catalog: _song_identity is not a table', async function () {
    requireShared(this);
    const files = readdirSync(US_2023).filter((name) => name.endsWith('.csv')).sort();
    await importWeek(files[0]);
    await rebuildSongs(context);
    const catalog = await crawl(context.store, duck);
    expect(Object.keys(catalog.tables)).to.include('songs').and.not.include('_song_identity');
  });

  /** A links file written by another rebuild: the state's parts then carry two stamps. */
  async function stateOfAnotherBuild(): Promise<Buffer> {
    const other = tempDir('songs-other');
    try {
      const otherContext = { store: new FsStore(other), duck };
      const file = readdirSync(US_2023).filter((name) => name.endsWith('.csv')).sort()[10];
      const { chart, week } = parseChartsCsvName(file);
      const key = rawCsvKey({ chart, week }, file);
      await otherContext.store.put(key, readFileSync(path.join(US_2023, file)));
      await transformRawObjects([key], otherContext);
      return readFileSync(otherContext.store.pathOf(songIdentityKey('links')));
    } finally {
      removeDir(other);
    }
  }
});
