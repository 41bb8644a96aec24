import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { DuckDbConnection } from '../query/duckdb';
import { isOwnCacheDir } from '../query/lake-files';
import { LAKE_PATH_FIX, literalFilePath, loadSql, renderSql, sqlString, valuesRelation } from '../query/sql';
import { isTemporaryName, LINEAGE_TABLE, tableChartPrefix } from '../store';
import { silentLogger, type Logger } from '../log';
import type { Catalog, CatalogTable } from './types';

const SQL_DIR = path.join(__dirname, 'sql');

/** Tables with a `<table>_latest` view: one row per id, the newest observation. */
export const LATEST_VIEWS: Record<string, string> = { tracks: 'track_id', albums: 'album_id', artists: 'artist_id' };

/**
 * Creates one DuckDB view per catalogued table straight over its Parquet files (Hive partitions `chart=` and
 * `year=`), plus `_runs` and the `*_latest` views. A table whose rows carry a `run_id` shows a chart week only when
 * the week's lineage row names the same run: lineage is written last, so a reader sees a week whole or not at all,
 * even while a transform is rewriting the files or after one was killed half-way.
 *
 * Schema drift is never cast away: a file whose column has another type than the table's established type is
 * left out of the view, with a warning naming it (`chartlake tables --drift` lists them all).
 *
 * `only` names the views to create (every table's and every `*_latest` when absent; `_runs` is the view of
 * LINEAGE_TABLE; `<table>_latest` makes the table's view too);
 * `runs: false` leaves `_committed` as it is (an engine adding the views a later query names);
 * `charts` makes the views of tables partitioned by chart read only those charts' folders (a query scoped to them).
 */
export async function createLakeViews(
  connection: DuckDbConnection,
  catalog: Catalog,
  lakeRoot: string,
  log: Logger = silentLogger,
  committedCache?: CommittedCache,
  { only, runs: withRuns = true, charts }: { only?: readonly string[]; runs?: boolean; charts?: readonly string[] } = {},
): Promise<string[]> {
  literalFilePath(lakeRoot, 'the lake path', LAKE_PATH_FIX);
  const created: string[] = [];
  const lineage = catalog.tables[LINEAGE_TABLE];
  // The view itself only when asked for: binding it globs every lineage file (~15 ms on a full lake), and
  // `_committed` is mostly read from its cache.
  const runsView = !only || only.includes(LINEAGE_TABLE);
  if (lineage && (withRuns || runsView)) {
    const files = filesOf(lineage, lakeRoot, log);
    const runs = renderSql(loadSql(SQL_DIR, 'runs-view'), { files, union_by_name: lineage.versions.length > 1 }, 'runs-view.sql');
    if (withRuns) await loadCommitted(connection, runs, files, committedCache);
    if (runsView) {
      await connection.run(`CREATE OR REPLACE VIEW _runs AS ${runs}`);
      created.push('_runs');
    }
  }
  for (const table of Object.values(catalog.tables)) {
    if (table.name === LINEAGE_TABLE || !/^[a-z_][a-z0-9_]*$/.test(table.name) || table.partitions.length === 0) continue;
    const latest = !only || only.includes(`${table.name}_latest`);
    if (only && !only.includes(table.name) && !latest) continue;
    const files = filesOf(table, lakeRoot, log, charts);
    if (files.length === 0) continue;
    const partitioned = table.partition_keys.length > 0;
    const committed = partitioned && table.columns.some((column) => column.name === 'run_id');
    if (committed && !lineage) continue; // nothing committed yet
    const unionByName = table.versions.filter((version) => version.partitions > 0).length > 1;
    const select = committed
      ? renderSql(loadSql(SQL_DIR, 'committed-view'), { files, union_by_name: unionByName }, 'committed-view.sql')
      : renderSql(loadSql(SQL_DIR, partitioned ? 'table-view' : 'lake-table-view'), { files, union_by_name: unionByName }, 'table-view.sql');
    await connection.run(`CREATE OR REPLACE VIEW ${table.name} AS ${select}`);
    // `<table>_latest` only when asked for: binding it binds the table's view again (~10 ms on a full lake).
    created.push(table.name, ...(latest ? await createLatestView(connection, table.name) : []));
  }
  return created;
}

/** Where the committed chart weeks of one state of the lineage files are kept between processes (`loadCommitted`). */
export interface CommittedCache {
  /** A folder of this lake's own: one file, named by the lineage state and the `_runs` view it was read through. */
  dir: string;
  /** The lake's root (the folder is removed once the lake is gone). */
  root: string;
  /** The lineage files as the reader found them before reading (`lineageState`). */
  lineage: string;
  /** Whether the lineage files are still as `lineage` says: what was read is cached only then. */
  unchanged(): boolean;
}

/**
 * `_committed`: what the committed views join, read once into a table (reading the lineage files at each mention
 * cost ~50 ms a mention on a full lake; the engine reads it again when the lineage changes). Reading the 219
 * lineage files of a full lake takes ~60 ms even once, so a fresh process takes them from a cache: the cache of
 * this very state of the lineage files when there is one (a few ms), else the cache of an earlier state, whose rows
 * are kept for each lineage file still as it was (same name, inode, size and time): after a weekly run only the
 * lineage files it rewrote, one per chart, are read again.
 */
async function loadCommitted(connection: DuckDbConnection, runs: string, lineageFiles: string | string[], cache?: CommittedCache): Promise<void> {
  const files = cache ? runsFiles(cache.lineage, lineageFiles) : [];
  if (!cache || files.length === 0) {
    await connection.run(`CREATE OR REPLACE TEMP TABLE _committed AS SELECT ${COMMITTED_COLUMNS} FROM (${runs})`);
    return;
  }
  // Caches of one `_runs` view share a prefix; the rest of the name is the lineage state it holds.
  const digest = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);
  const prefix = `${digest(`${CACHE_FORMAT}\n${runs}`, 24)}-`;
  const file = path.join(cache.dir, `${prefix}${digest(cache.lineage, 24)}.parquet`);
  const own = isOwnCacheDir(cache.dir);
  const read = (sql: string) => connection.run(sql).then(() => true, () => false); // unreadable (a full disk?): read past
  if (own && existsSync(file) && (await read(renderSql(`CREATE OR REPLACE TEMP TABLE _committed AS SELECT ${COMMITTED_COLUMNS} FROM read_parquet({{file}})`, { file })))) return;

  // Each lineage file's state, short: the rows of an earlier cache whose file is unchanged are kept. A cache names
  // the states of its files in its metadata, so only the rows of the files changed or gone since are left out (a
  // join of every row with the lake's ~300 states, and a query of the states the rows hold, cost ~15 ms more).
  const states = files.map((f) => ({ file: f.file, state: digest(f.state, 16) }));
  const current = new Set(states.map((f) => f.state));
  await connection.run('CREATE OR REPLACE TEMP TABLE _committed_files (file_state VARCHAR, chart VARCHAR, week DATE, run_id VARCHAR, chart_entries_rows BIGINT)');
  const earlier = own ? (await fs.readdir(cache.dir).catch(() => [])).find((name) => name.startsWith(prefix) && name.endsWith('.parquet')) : undefined;
  let cached = new Set<string>();
  if (earlier) {
    const from = path.join(cache.dir, earlier);
    const named = await connection
      .all<{ states: string }>(renderSql(`SELECT decode(value) AS states FROM parquet_kv_metadata({{from}}) WHERE decode(key) = '${CACHE_STATES_KEY}'`, { from }))
      .catch(() => []);
    const earlierStates = named.length === 1 ? named[0].states.split(',') : [];
    const gone = earlierStates.filter((state) => !current.has(state));
    const kept = `SELECT file_state, ${COMMITTED_COLUMNS} FROM read_parquet({{from}})${gone.length > 0 ? ` WHERE file_state NOT IN (${gone.map(sqlString).join(', ')})` : ''}`;
    if (earlierStates.length > 0 && (await read(renderSql(`INSERT INTO _committed_files ${kept}`, { from })))) cached = new Set(earlierStates);
  }
  const changed = states.filter((f) => !cached.has(f.state));
  if (changed.length > 0) {
    await connection.run(`CREATE OR REPLACE TEMP TABLE _lineage_files AS SELECT * FROM ${valuesRelation(['file', 'state'], changed.map((f) => [f.file, f.state]))}`);
    await connection.run(renderSql(loadSql(SQL_DIR, 'committed-files'), { files: changed.map((f) => f.file) }, 'committed-files.sql'));
  }
  await connection.run(`CREATE OR REPLACE TEMP TABLE _committed AS SELECT ${COMMITTED_COLUMNS} FROM _committed_files`);
  if (!cache.unchanged()) return;
  // A cache is a convenience: a folder that cannot be written (read-only, full) only means the next process reads
  // the lineage files again.
  const temp = `${file}.tmp-${process.pid}`;
  try {
    if (!existsSync(cache.dir)) await startCacheDir(cache);
    if (!isOwnCacheDir(cache.dir)) return;
    await connection.run(renderSql(`COPY _committed_files TO {{temp}} (FORMAT parquet, KV_METADATA {${CACHE_STATES_KEY}: ${sqlString(states.map((f) => f.state).join(','))}})`, { temp }));
    await fs.rename(temp, file);
    for (const name of await fs.readdir(cache.dir)) {
      if (name !== path.basename(file) && name.endsWith('.parquet')) await fs.rm(path.join(cache.dir, name), { force: true });
    }
  } catch {
    await fs.rm(temp, { force: true }).catch(() => undefined);
  }
}

/**
 * What `_committed` holds of each lineage row: what the committed views join on, and each week's chart rows (the
 * lake's biggest chart, `chart-spans-committed.sql`). Also the columns of its cache (with `file_state`), and of
 * `_committed_files` and committed-files.sql.
 */
const COMMITTED_COLUMNS = 'chart, week, run_id, chart_entries_rows';

/** Bumped when the cache's columns change: a cache of another format is never read. */
const CACHE_FORMAT = 'committed-by-lineage-file/5';
/** The key of a cache's metadata naming the states of the lineage files its rows were read from (comma-separated). */
const CACHE_STATES_KEY = 'lineage_file_states';

/**
 * The lineage files `_runs` reads (its glob, or the list left after drift), each with its line of `lineageState`.
 */
function runsFiles(lineage: string, lineageFiles: string | string[]): { file: string; state: string }[] {
  const listed = typeof lineageFiles === 'string' ? undefined : new Set(lineageFiles);
  const dir = typeof lineageFiles === 'string' ? path.dirname(path.dirname(path.dirname(lineageFiles))) : undefined;
  const files: { file: string; state: string }[] = [];
  for (const state of lineage.split('\n')) {
    const file = state.split('\t')[0];
    if (!file) continue;
    const read = listed ? listed.has(file) : file.endsWith('.parquet') && path.relative(dir!, file).split(path.sep).length === 3;
    if (read) files.push({ file, state });
  }
  return files;
}

/**
 * Makes a lake's cache folder, naming the lake in it, and removes the folders of lakes that are gone (each test or
 * trial lake would otherwise leave its few KB behind for good).
 */
async function startCacheDir(cache: CommittedCache): Promise<void> {
  await fs.mkdir(cache.dir, { recursive: true, mode: 0o700 });
  await fs.writeFile(path.join(cache.dir, CACHE_LAKE_FILE), cache.root);
  const parent = path.dirname(cache.dir);
  for (const name of await fs.readdir(parent)) {
    const other = path.join(parent, name);
    if (other === cache.dir) continue;
    const root = await fs.readFile(path.join(other, CACHE_LAKE_FILE), 'utf8').catch(() => undefined);
    if (root !== undefined && !existsSync(root)) await fs.rm(other, { recursive: true, force: true });
  }
}

/** In a lake's cache folder: the lake's root, so that the folder of a lake that is gone can be removed. */
const CACHE_LAKE_FILE = 'lake-root.txt';

/** The files a table's view reads: its glob when no file drifted, else the catalogued files that did not. */
function filesOf(table: CatalogTable, lakeRoot: string, log: Logger, charts?: readonly string[]): string | string[] {
  const excluded = new Set(table.drift.flatMap((drift) => drift.excluded));
  warnDrift(table, [...excluded], log);
  const byChart = charts && isChartTable(table);
  if (excluded.size === 0) {
    if (table.partition_keys.length === 0) return path.join(lakeRoot, 'transformed', table.name, '*.parquet');
    const chartFolder = (chart: string) => path.join(lakeRoot, ...tableChartPrefix(table.name, chart).split('/'));
    const held = byChart ? charts.filter((chart) => holdsFiles(chartFolder(chart))) : [];
    // A view over charts none of whose folders hold a file reads the whole table (the query's filter leaves it empty).
    return held.length > 0 ? held.map((chart) => path.join(chartFolder(chart), '*', '*.parquet')) : path.join(lakeRoot, 'transformed', table.name, '*', '*', '*.parquet');
  }
  const kept = table.partitions.filter((partition) => !excluded.has(partition.key));
  const ofCharts = byChart ? kept.filter((partition) => partition.chart !== undefined && charts.includes(partition.chart)) : [];
  return (ofCharts.length > 0 ? ofCharts : kept).map((partition) => path.join(lakeRoot, ...partition.key.split('/')));
}

/** Whether a chart's folder of a table holds a Parquet file in a year folder (what its glob needs to match). */
function holdsFiles(chartFolder: string): boolean {
  const entries = (folder: string) => {
    try {
      return readdirSync(folder, { withFileTypes: true });
    } catch {
      return []; // no such chart in this table
    }
  };
  return entries(chartFolder).some(
    (year) => year.isDirectory() && entries(path.join(chartFolder, year.name)).some((file) => file.isFile() && file.name.endsWith('.parquet') && !isTemporaryName(file.name)),
  );
}

/** Whether a table is partitioned by chart (`chart=` folders), as the crawl found it. */
export function isChartTable(table: CatalogTable): boolean {
  return table.partition_keys.some((key) => key.name === 'chart');
}

/** `<table>_latest` for the tables that have one. */
export async function createLatestView(connection: DuckDbConnection, table: string): Promise<string[]> {
  const id = LATEST_VIEWS[table];
  if (!id) return [];
  const latest = loadSql(SQL_DIR, 'latest-view').replace(/\$table/g, table).replace(/\$id/g, id);
  await connection.run(`CREATE OR REPLACE VIEW ${table}_latest AS ${latest}`);
  return [`${table}_latest`];
}

/** The drift warnings of every table (`filesOf` gives them as it makes a view): an engine gives them all at open. */
export function warnAllDrift(catalog: Catalog, lakeRoot: string, log: Logger): void {
  for (const table of Object.values(catalog.tables)) filesOf(table, lakeRoot, log);
}

/** Drifted files are named in a warning each time the lake is opened (`chartlake tables --drift` lists them). */
export function warnDrift(table: CatalogTable, left: string[], log: Logger): void {
  if (left.length === 0) return;
  log.log('warn', `${table.name}: ${left.length} file(s) left out of the view because of schema drift (chartlake tables --drift)`, {
    table: table.name,
    columns: table.drift.map((drift) => drift.column),
    partitions: left,
  });
}
