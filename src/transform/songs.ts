import { createHash, randomBytes } from 'node:crypto';
import { promises as fs, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DuckDbConnection } from '../query/duckdb';
import { readWhole } from '../query/lake-files';
import { loadSql, renderSql, sqlString, valuesRelation } from '../query/sql';
import {
  chartYearsOf,
  FsStore,
  inPool,
  lakeLockKey,
  LINEAGE_TABLE,
  parseTableFileKey,
  putAll,
  songIdentityKey,
  SONGS_PREFIX,
  songsFileKey,
  songsFileYear,
  tableFileKey,
  TRANSFORMED_PREFIX,
  withLocks,
  type ChartYear,
  type ObjectInfo,
  type ObjectStore,
  type PutEntry,
  type SongIdentityPart,
} from '../store';
import { silentLogger } from '../log';
import { DEFAULT_LOCK_WAIT_MS, localCopy, makeWorkDir, type TransformContext } from './context';

const SQL_DIR = path.join(__dirname, 'sql');

/** Why a track id belongs to its song (see sql/songs-links.sql). */
export type SongLink = 'self' | 'chart_continuity' | 'isrc' | 'title_artists';

/** One row of `songs`: grain track_id (each in the file of the year it first charted: `songsFileKey`). */
export interface SongRow {
  track_id: string;
  /** The id of the song's track that charted first. */
  song_id: string;
  song_name: string | null;
  artist_names: string | null;
  linked_by: SongLink;
  /** The track id this one was linked to (itself for 'self'). */
  linked_to: string;
}

const run = async (connection: DuckDbConnection, steps: readonly string[]) => {
  for (const step of steps) await connection.runScript(loadSql(SQL_DIR, step));
};

/**
 * Builds the temporary table `songs` (track_id → song_id) on this connection from the relations `chart_entries`,
 * `tracks` and `track_artists` it sees: the lake's views, or a transform batch's tables. The work is DuckDB's. It
 * leaves the state an increment starts from in `next_ids` and `next_links`.
 */
export async function buildSongs(connection: DuckDbConnection): Promise<void> {
  await run(connection, FULL_SONG_STEPS);
}

/** The SQL files (sql/<name>.sql) a build over the whole lake runs, in order (`npm run bench` times each statement). */
export const FULL_SONG_STEPS = ['songs-keys', 'songs-links', 'songs-macros', 'songs-groups', 'songs-final'] as const;

/** Why an increment could not be decided from the state alone: the whole lake is read instead. */
export interface SongFallback {
  reason: string;
  /** One track id concerned, and how many. */
  track_id: string;
  ids: number;
}

/**
 * Adds the weeks of `added_weeks` to the state (`state_all_ids`, `state_links`), from the relations `chart_entries`,
 * `tracks` and `track_artists` holding those weeks and the week before each. Builds `next_ids` and `next_links`
 * equal to what `buildSongs` builds over the whole lake, and `songs` for the groups the weeks touched (their rows
 * are merged with the state's files of songs after: `readStateSongs`, songs-add-merge.sql), or returns why it cannot.
 */
export async function addSongWeeks(connection: DuckDbConnection): Promise<SongFallback[]> {
  await run(connection, ['songs-keys', 'songs-add-keys', 'songs-links', 'songs-add-groups']);
  const fallbacks = await connection.all<SongFallback & Record<string, unknown>>(
    'SELECT reason, min(track_id) AS track_id, count(DISTINCT track_id) AS ids FROM song_fallback GROUP BY reason ORDER BY reason',
  );
  if (fallbacks.length > 0) return fallbacks;
  // The macro reads song_ids and song_links as they are when it is made: the touched groups' here.
  await run(connection, ['songs-macros', 'songs-final']);
  return [];
}

/**
 * Whether the lake-wide `songs` table is older than a lineage file (a week committed after it was built, by a run
 * that deferred or did not reach the rebuild: killed, or a bulk import in progress), or kept in another layout. A
 * rebuild writes only the files of songs that changed, and the state's `weeks` after them, always: its time is
 * when songs was last built.
 */
export async function songsAreStale(store: ObjectStore): Promise<boolean> {
  const lineage = await store.list(`${TRANSFORMED_PREFIX}${LINEAGE_TABLE}/`);
  if (lineage.length === 0) return false;
  const [songs, built] = await Promise.all([listSongsFiles(store), store.head(songIdentityKey('weeks'))]);
  if (!built || songs.length === 0 || inOtherLayout(songs)) return true;
  return lineage.some((object) => object.lastModified > built.lastModified);
}

/** Whether some file of songs is not a year's (`songsFileKey`): the one file of earlier versions. */
const inOtherLayout = (songs: readonly ObjectInfo[]) => songs.some((object) => songsFileYear(object.key) === undefined);

/** The Parquet files in the folder of songs: of any layout (a full rebuild removes those it does not write). */
async function listSongsFiles(store: ObjectStore): Promise<ObjectInfo[]> {
  return (await store.list(SONGS_PREFIX)).filter((object) => object.key.endsWith('.parquet'));
}

/** The tables song identity reads (the lineage says which of their rows are committed). */
const SONG_SOURCES: readonly string[] = ['chart_entries', 'tracks', 'track_artists'];
const STATE_PARTS: readonly SongIdentityPart[] = ['ids', 'changed-ids', 'links', 'weeks'];
/** The parts every rebuild writes; `ids` is written whole by a full rebuild, and by an increment only now and then. */
const REWRITTEN_PARTS: readonly SongIdentityPart[] = ['changed-ids', 'links', 'weeks'];
/**
 * An increment writes the ids file whole again once the ids changed since it was written (new ids, ids whose group
 * changed: written in changed-ids each time) are more than this share of it.
 */
const CHANGED_IDS_SHARE = 1 / 8;
/**
 * The rules the state was built by: a digest of every songs SQL file. Its stamps begin with it, so a state built by
 * other rules or in another layout (another chartlake version) is rebuilt, never added to.
 */
let rulesDigest: string | undefined;
function stateFormat(): string {
  rulesDigest ??= createHash('sha256')
    .update(readdirSync(SQL_DIR).filter((name) => /^songs-.*\.sql$/.test(name)).sort().map((name) => loadSql(SQL_DIR, name.slice(0, -4))).join('\n'))
    .digest('hex')
    .slice(0, 12);
  return rulesDigest;
}

/** How `rebuildSongs` went: from the state (`added` weeks read), or over every committed week, and why. */
export interface SongsRebuild {
  /** The files of songs written (of the years whose rows changed); a full rebuild writes every year's. */
  keys: string[];
  mode: 'increment' | 'full';
  /** Chart weeks read besides the state: the added ones and the week before each (increment), or all (full). */
  weeks: number;
  /** Why the state could not be used (full), in the user's terms. */
  reasons: string[];
}

/**
 * Rebuilds the lake-wide `songs` table (track id → song id) under the lake's `songs` lock. Identity links span
 * charts and years, so `songs` is a function of every committed week; it is kept as a state beside the tables
 * (`_song_identity`: every id's keys and group, every candidate link, the weeks it was built from). When the lake
 * holds the state's weeks unchanged plus weeks after each chart's last one (a weekly run, a catch-up), only those
 * are read; anything else (a week replaced or removed, an older week imported, a case the state cannot decide) reads
 * every committed week. Both give the same tables (test/transform/songs-increment.test.ts).
 */
export async function rebuildSongs(context: TransformContext): Promise<SongsRebuild> {
  const workDir = context.workDir ?? os.tmpdir();
  const lock = { key: lakeLockKey('songs'), subject: { chart: 'lake', week: 'songs' } };
  return withLocks(context.store, [lock], 'songs', async () => {
    const started = Date.now();
    const work = await makeWorkDir(workDir);
    try {
      const out = (name: string) => path.join(work, `${name}.parquet`);
      // Each attempt on a connection of its own: the increment and the full build name their relations alike. It
      // returns what it wrote (songs' years, the state's parts) and the files of songs a full build leaves behind.
      type Attempt = { outcome: Omit<SongsRebuild, 'keys'>; written: SongTablesWritten; removed: string[] };
      const attempt = async (root: string | undefined, watch: Watch): Promise<Attempt> => {
        const source = new LakeSource(root ? new FsStore(root) : context.store, work, watch);
        const lineage = await source.list(LINEAGE_TABLE);
        const songs = await source.listSongs();
        const increment = await context.duck.withConnection(async (connection): Promise<Attempt> => {
          const { idsStamp, ...outcome } = await fromState(connection, context.store, source, lineage, songs, work);
          const written = outcome.mode === 'increment' ? await writeSongTables(connection, out, idsStamp) : { years: [], parts: [] };
          return { outcome, written, removed: [] };
        });
        if (increment.outcome.mode === 'increment') return increment;
        return context.duck.withConnection(async (connection) => {
          await readCommitted(connection, source, lineage);
          await createSourceViews(connection, source);
          await buildSongs(connection);
          const written = await writeSongTables(connection, out);
          const keys = new Set(written.years.map(songsFileKey));
          const removed = songs.map((object) => object.key).filter((key) => !keys.has(key));
          return { outcome: { ...increment.outcome, weeks: Number((await connection.all('SELECT count(*) AS n FROM committed'))[0].n) }, written, removed };
        });
      };
      // Read whole, though other runs rewrite chart-years meanwhile under their own locks: a folder lake is read in
      // place, and everything runs again over a snapshot when a file it listed or read changed (every statement is
      // repeatable).
      const { outcome, written, removed } = await (context.store instanceof FsStore ? readWhole(context.store.root, TRANSFORMED_PREFIX, attempt, []) : attempt(undefined, () => undefined));
      // songs first, the state after it (one flush, renamed in this order): a state whose parts carry different
      // stamps is not used, and a state older than songs gives the same songs again. Files of songs a full build
      // did not write (of another layout, or of a year no id first charted in any more) are removed before the
      // state is written: a run killed before leaves songs stale, and rebuilt.
      const songEntries = written.years.map((year): PutEntry => ({ key: songsFileKey(year), file: out(`songs-${year}`) }));
      const stateEntries = written.parts.map((part): PutEntry => ({ key: songIdentityKey(part), file: out(part) }));
      if (removed.length === 0) await putAll(context.store, [...songEntries, ...stateEntries]);
      else {
        await putAll(context.store, songEntries);
        for (const key of removed) await context.store.delete(key);
        await putAll(context.store, stateEntries);
      }
      (context.log ?? silentLogger).log('info', 'songs rebuilt', { ...outcome, years: written.years, ms: Date.now() - started });
      return { keys: songEntries.map((entry) => entry.key), ...outcome };
    } finally {
      await fs.rm(work, { recursive: true, force: true });
    }
  }, { waitMs: DEFAULT_LOCK_WAIT_MS, ...context.lock });
}

/**
 * Adds to `committed` (created empty when missing) the committed weeks of the lineage objects given, each row with
 * the object's key and version (`lineageVersion`): the state keeps them, so an increment reads only the objects
 * that changed since.
 */
async function readCommitted(connection: DuckDbConnection, source: LakeSource, objects: readonly ObjectInfo[]): Promise<void> {
  await connection.run('CREATE TEMP TABLE IF NOT EXISTS committed (chart VARCHAR, week DATE, run_id VARCHAR, lineage_key VARCHAR, lineage_version VARCHAR)');
  const files = await source.localFiles(objects.map((object) => object.key));
  const rows = objects.flatMap((object) => {
    const file = files.get(object.key);
    return file ? [[file, object.key, lineageVersion(object)]] : [];
  });
  if (rows.length === 0) return;
  await connection.run(`CREATE OR REPLACE TEMP TABLE lineage_objects AS SELECT * FROM ${valuesRelation(['file', 'lineage_key', 'lineage_version'], rows)}`);
  await connection.run(renderSql(loadSql(SQL_DIR, 'songs-committed'), { files: [...files.values()] }, 'songs-committed.sql'));
}

/** A lineage object's version: its ETag (a folder lake's names the file's inode and time), else its size and time. */
function lineageVersion(object: ObjectInfo): string {
  return object.eTag ?? `${object.size}@${object.lastModified.toISOString()}`;
}

/** What `writeSongTables` wrote: the files of songs (by year) and the parts of the state. */
interface SongTablesWritten {
  years: number[];
  parts: SongIdentityPart[];
}

/** A COPY of a lake-wide file as songs and the state are written, with key-value metadata when given. */
function lakeFileCopy(select: string, file: string, metadata: Record<string, string> = {}): string {
  const kv = Object.entries(metadata).map(([name, value]) => `${name}: ${sqlString(value)}`);
  return renderSql(`COPY (${select}) TO {{file}} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE ${LAKE_TABLE_ROW_GROUP}${kv.length > 0 ? `, KV_METADATA {${kv.join(', ')}}` : ''})`, { file });
}

/**
 * Writes the files of `songs` of the years in `songs_years` (songs-final.sql, songs-add-merge.sql) to `file(year)`,
 * each file the rows of the ids that first charted that year (`songsFileKey`), and returns those years.
 */
export async function writeSongsFiles(connection: DuckDbConnection, file: (year: number) => string): Promise<number[]> {
  const years = (await connection.all<{ first_year: number }>('SELECT first_year FROM songs_years ORDER BY first_year')).map((row) => Number(row.first_year));
  for (const year of years) await connection.run(lakeFileCopy(`SELECT * EXCLUDE (first_year) FROM songs WHERE first_year = ${year}`, file(year)));
  return years;
}

/**
 * Writes the changed files of `songs` (`writeSongsFiles`) and the state (`next_ids`, `next_links`, the `committed`
 * weeks) to `out(name)`, and returns what was written. The ids are written whole (`ids`) by a full rebuild (no
 * `idsStamp`) or when the rows changed since the ids file was written are many; else only those rows
 * (`changed-ids`). The parts every rebuild writes carry its stamp and the ids file's (Parquet key-value metadata),
 * so a state written in part is told from a whole one.
 */
async function writeSongTables(connection: DuckDbConnection, out: (name: string) => string, idsStamp?: string): Promise<SongTablesWritten> {
  const stamp = `${stateFormat()}:${randomBytes(8).toString('hex')}`;
  const copy = (select: string, file: string, metadata?: Record<string, string>) => connection.run(lakeFileCopy(select, file, metadata));
  const years = await writeSongsFiles(connection, (year) => out(`songs-${year}`));
  if (idsStamp !== undefined) {
    const [{ changed, ids }] = await connection.all<{ changed: number; ids: number }>('SELECT (SELECT count(*) FROM changed_ids) AS changed, (SELECT id_rows FROM state_ids_file) AS ids');
    if (Number(changed) > Number(ids) * CHANGED_IDS_SHARE) idsStamp = undefined;
  }
  const parts = [...REWRITTEN_PARTS];
  if (idsStamp === undefined) {
    idsStamp = stamp;
    await copy('SELECT * FROM next_ids', out('ids'), { song_identity: stamp });
    parts.unshift('ids');
  }
  const state: Record<SongIdentityPart, string> = {
    ids: 'SELECT * FROM next_ids',
    'changed-ids': parts.includes('ids') ? 'SELECT * FROM next_ids LIMIT 0' : 'SELECT * FROM next_changed_ids',
    links: 'SELECT * FROM next_links',
    weeks: 'SELECT * FROM committed',
  };
  for (const part of REWRITTEN_PARTS) await copy(state[part], out(part), { song_identity: stamp, song_identity_ids: idsStamp });
  return { years, parts };
}

const COPY_CONCURRENCY = 16;
/**
 * Rows per row group of the lake-wide files (songs, the state): DuckDB reads and writes a file's row groups in
 * parallel, and the full lake's 94,000 ids in one group (the default holds 122,880) took one thread ~110 ms to read
 * and ~160 ms to write; in groups of 16,384, 70 and 100 ms on two cores. At zstd's level 1 (the default is 3), the
 * full lake's songs are written in 54 ms instead of 71 and read in 37 instead of 46, and the file is 3 % smaller
 * (every rebuild writes songs whole).
 */
const LAKE_TABLE_ROW_GROUP = 16_384;

/** Names the keys a rebuild lists or reads in a folder lake: `readWhole` reads again if one changes meanwhile. */
type Watch = (keys: readonly string[]) => void;

/** The transformed files song identity reads; local paths on demand (copies from S3). */
class LakeSource {
  constructor(readonly store: ObjectStore, private readonly work: string, readonly watch: Watch) {}

  /** The table's chart-year files. */
  async list(table: string): Promise<ObjectInfo[]> {
    const objects = (await this.store.list(`${TRANSFORMED_PREFIX}${table}/`)).filter((object) => parseTableFileKey(object.key)?.chart !== undefined);
    this.watch(objects.map((object) => object.key));
    return objects;
  }

  /** The files of songs (`listSongsFiles`). */
  async listSongs(): Promise<ObjectInfo[]> {
    const objects = await listSongsFiles(this.store);
    this.watch(objects.map((object) => object.key));
    return objects;
  }

  /** Local paths of the objects (copies from S3, several at a time: a lake's lineage alone is a file per chart and year). */
  async localFiles(keys: readonly string[]): Promise<Map<string, string>> {
    this.watch(keys);
    const local = new Map<string, string>();
    await inPool(keys, COPY_CONCURRENCY, async (key) => {
      const file = await localCopy(this.store, key, this.work);
      if (file) local.set(key, file);
    });
    return local;
  }

  /** A `read_parquet` of the table's files: of the chart-years named, or all (one listing). */
  async read(table: string, chartYears?: readonly ChartYear[]): Promise<string> {
    const keys = chartYears ? chartYears.map((chartYear) => tableFileKey(table, chartYear)) : (await this.list(table)).map((object) => object.key);
    const local = await this.localFiles(keys);
    const files = keys.flatMap((key) => local.get(key) ?? []);
    return renderSql(`read_parquet({{files}}, hive_partitioning = true, union_by_name = true, hive_types = {'chart': VARCHAR, 'year': INTEGER})`, { files });
  }
}

/** Views `chart_entries`, `tracks`, `track_artists` of the committed rows (of `loaded_weeks` only when given). */
async function createSourceViews(connection: DuckDbConnection, source: LakeSource, chartYears?: readonly ChartYear[]): Promise<void> {
  // The committed weeks a view joins: of the loaded weeks only, when given (a few rows, not one per week of the lake
  // at each mention of each view).
  let weeks = 'committed';
  if (chartYears) {
    weeks = 'loaded_committed';
    await connection.run('CREATE OR REPLACE TEMP TABLE loaded_committed AS SELECT c.chart, c.week, c.run_id FROM committed AS c SEMI JOIN loaded_weeks AS w ON w.chart = c.chart AND w.week = c.week');
  }
  for (const table of SONG_SOURCES) {
    await connection.run(`CREATE OR REPLACE TEMP VIEW ${table} AS SELECT t.* FROM ${await source.read(table, chartYears)} AS t SEMI JOIN ${weeks} USING (chart, week, run_id)`);
  }
}

/**
 * The increment: the state read, the weeks added since checked to come after each chart's last one, and
 * `addSongWeeks` over them. `mode: 'full'` with the reasons when the state is missing or cannot be used.
 */
async function fromState(
  connection: DuckDbConnection,
  store: ObjectStore,
  source: LakeSource,
  lineage: readonly ObjectInfo[],
  songs: readonly ObjectInfo[],
  work: string,
): Promise<Omit<SongsRebuild, 'keys'> & { idsStamp?: string }> {
  const full = (...reasons: string[]): Omit<SongsRebuild, 'keys'> => ({ mode: 'full', weeks: 0, reasons });
  const files: Partial<Record<SongIdentityPart, string>> = {};
  source.watch(STATE_PARTS.map(songIdentityKey));
  for (const part of STATE_PARTS) files[part] = await localCopy(store, songIdentityKey(part), work);
  if (songs.length === 0 || !files.ids) return full('no state of song identity yet');
  if (inOtherLayout(songs)) return full('songs was written by an earlier version of chartlake (in one file)');
  const otherRules = 'the state of song identity was built by other rules (another version of chartlake)';
  if (!files['changed-ids']) return full(otherRules);
  if (STATE_PARTS.some((part) => !files[part])) return full('the state of song identity was written in part');
  await connection.runScript(renderSql(loadSql(SQL_DIR, 'songs-state'), { ids: files.ids, changed_ids: files['changed-ids'], links: files.links!, weeks: files.weeks! }));
  const [stamps] = await connection.all<{ stamps: number; stamp: string | null; parts: number; whole_parts: number; ids_match: boolean | null }>(loadSql(SQL_DIR, 'songs-state-stamps'));
  if (!stamps.stamp?.startsWith(`${stateFormat()}:`)) return full(otherRules);
  if (stamps.stamps !== 1 || stamps.parts !== REWRITTEN_PARTS.length || stamps.whole_parts !== 1 || !stamps.ids_match) return full('the state of song identity was written in part');
  const [{ ids_stamp: idsStamp }] = await connection.all<{ ids_stamp: string }>('SELECT stamp AS ids_stamp FROM state_stamps WHERE whole_ids');
  // Every year an id of the state first charted has its file of songs (an increment writes only those that change).
  const listedYears = new Set(songs.map((object) => songsFileYear(object.key)));
  // (An id's first week is the same in the ids file and in changed-ids: read from both, not through state_all_ids,
  // whose NOT IN reads every id.)
  const years = await connection.all<{ year: number }>(
    renderSql('SELECT DISTINCT year(first_week) AS year FROM read_parquet({{ids}}) UNION SELECT year(first_week) FROM state_changed_ids', { ids: files.ids }),
  );
  const missing = years.map((row) => Number(row.year)).filter((year) => !listedYears.has(year));
  if (missing.length > 0) return full(`the file of songs of ${missing.sort().join(', ')} is missing`);
  // The committed weeks: the state's rows of the lineage objects unchanged since, and the rows of the others. The
  // state's rows are kept but for the objects changed or gone since (a few: a join with the lake's ~300 unchanged
  // objects cost ~10 ms).
  const objectOf = (key: string, version: string) => `${key}\t${version}`;
  const stateObjects = await connection.all<{ lineage_key: string; lineage_version: string }>('SELECT DISTINCT lineage_key, lineage_version FROM state_weeks');
  const known = new Set(stateObjects.map((row) => objectOf(row.lineage_key, row.lineage_version)));
  const listed = new Set(lineage.map((object) => objectOf(object.key, lineageVersion(object))));
  const unchanged = new Set(lineage.filter((object) => known.has(objectOf(object.key, lineageVersion(object)))));
  const stale = stateObjects.filter((row) => !listed.has(objectOf(row.lineage_key, row.lineage_version)));
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE committed AS SELECT chart, week, run_id, lineage_key, lineage_version FROM state_weeks ANTI JOIN ${valuesRelation(
      ['key', 'version'],
      stale.map((row) => [row.lineage_key, row.lineage_version]),
    )} ON t.key = lineage_key AND t.version = lineage_version`,
  );
  await readCommitted(connection, source, lineage.filter((object) => !unchanged.has(object)));
  await run(connection, ['songs-added']);
  const [check] = await connection.all<{ gone: number; older: number; added: number }>(loadSql(SQL_DIR, 'songs-state-check'));
  if (check.gone > 0) return full(`${check.gone} chart week(s) were rebuilt or removed since songs was built`);
  if (check.older > 0) return full(`${check.older} added chart week(s) are older than their chart's newest`);
  if (check.added === 0) {
    await run(connection, ['songs-unchanged']);
    return { mode: 'increment', weeks: 0, reasons: [], idsStamp };
  }
  const loaded = await connection.all<{ chart: string; week: string }>('SELECT chart, CAST(week AS VARCHAR) AS week FROM loaded_weeks');
  await createSourceViews(connection, source, chartYearsOf(loaded));
  const fallbacks = await addSongWeeks(connection);
  if (fallbacks.length > 0) return full(...fallbacks.map((f) => `${f.reason} (${f.track_id}${f.ids > 1 ? ` and ${f.ids - 1} more` : ''})`));
  await readStateSongs(connection, source, songs);
  await run(connection, ['songs-add-merge', 'songs-changed-ids']);
  return { mode: 'increment', weeks: loaded.length, reasons: [], idsStamp };
}

/**
 * Renames the touched groups' rows of songs (songs-final.sql) `touched_songs`, and makes `state_songs`: the rows of
 * the files of songs those ids lie in, each with its file's year. A file is a branch of its own with its year a
 * constant, so a filter on the year reads only that file; the files of other years are not read.
 */
async function readStateSongs(connection: DuckDbConnection, source: LakeSource, songs: readonly ObjectInfo[]): Promise<void> {
  await connection.run('ALTER TABLE songs RENAME TO touched_songs');
  const years = new Set((await connection.all<{ first_year: number }>('SELECT first_year FROM songs_years')).map((row) => Number(row.first_year)));
  const keys = songs.map((object) => object.key).filter((key) => years.has(songsFileYear(key)!));
  const local = await source.localFiles(keys);
  const reads = keys.flatMap((key) => {
    const file = local.get(key);
    return file ? [renderSql('SELECT *, CAST({{year}} AS BIGINT) AS first_year FROM read_parquet({{file}})', { year: songsFileYear(key)!, file })] : [];
  });
  await connection.run(`CREATE OR REPLACE TEMP VIEW state_songs AS ${['(SELECT * FROM touched_songs LIMIT 0)', ...reads].join(' UNION ALL BY NAME ')}`);
}
