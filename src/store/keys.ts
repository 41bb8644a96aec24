/**
 * The lake layout (DESIGN.md): the only place that builds or parses keys.
 *
 *   raw/spotify/<chart>/week=<YYYY-MM-DD>/<fetched-at>.json
 *   raw/spotify/<chart>/week=<YYYY-MM-DD>/enrichment-<fetched-at>.json
 *   raw/charts-csv/<chart>/week=<YYYY-MM-DD>/<original file name>
 *   transformed/<table>/chart=<chart>/year=<YYYY>/part-0.parquet     one file per table, chart and year (`week` a column)
 *   transformed/<table>/part-0.parquet                                 a lake-wide table (song_credits)
 *   transformed/songs/part-<YYYY>.parquet                              song identity: one file per year its track ids first charted
 *   transformed/_lineage/chart=<chart>/year=<YYYY>/part-0.parquet     one row per chart week: the commit record
 *   transformed/_song_identity/<ids|changed-ids|links|weeks>.parquet  what `songs` was built from: not a table
 *   raw/musicbrainz/isrc=<ISRC>/<fetched-at>.<outcome>.json                songwriter lookups, as MusicBrainz answered
 *   quarantine/<raw key>.error.json
 *   locks/<chart>/week=<YYYY-MM-DD>/<purpose>.lock                    an extract of one week
 *   locks/<chart>/year=<YYYY>/<purpose>.lock                           writers of one chart-year's files
 */

export const RAW_PREFIX = 'raw/';
export const TRANSFORMED_PREFIX = 'transformed/';
export const QUARANTINE_PREFIX = 'quarantine/';
export const LINEAGE_TABLE = '_lineage';
export const LOCK_PREFIX = 'locks/';

export type RawKind = 'spotify' | 'charts-csv';

export interface ChartWeek {
  /** Spotify's chart alias, e.g. `regional-global-weekly`. */
  chart: string;
  /** The chart's own date (the last day of the chart week), `YYYY-MM-DD`. */
  week: string;
}

export interface RawKeyParts extends ChartWeek {
  kind: RawKind;
  /** The last path segment: `<fetched-at>.json` or the CSV's original file name. */
  name: string;
}

const CHART_ALIAS = /^[a-z0-9][a-z0-9-]*$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function assertValidKey(key: string): void {
  if (!key || key.startsWith('/') || key.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new Error(`invalid lake key: ${JSON.stringify(key)}`);
  }
}

/**
 * Orders objects by key as every store lists them: by UTF-16 code unit, as S3 does by byte for the ASCII keys a lake
 * holds (`localeCompare` orders by locale, and sorting a full lake's 1,315 catalogued files with it took ~7 ms in a
 * fresh process, against 0.2 ms).
 */
export function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export function assertChartWeek({ chart, week }: ChartWeek): void {
  if (!CHART_ALIAS.test(chart)) throw new Error(`invalid chart alias ${JSON.stringify(chart)}`);
  if (!isIsoDate(week)) throw new Error(`invalid chart week ${JSON.stringify(week)} (expected YYYY-MM-DD)`);
}

/** `fetchedAt` is an ISO timestamp; colons are replaced so the key is a valid file name everywhere. */
export function rawSpotifyKey(chartWeek: ChartWeek, fetchedAt: string): string {
  assertChartWeek(chartWeek);
  const stamp = fetchedAt.replace(/:/g, '-');
  return `${RAW_PREFIX}spotify/${chartWeek.chart}/week=${chartWeek.week}/${stamp}.json`;
}

/** What `chartlake enrich` fetched later for a week already in the lake; beside the week's other Spotify objects. */
export function rawEnrichmentKey(chartWeek: ChartWeek, fetchedAt: string): string {
  assertChartWeek(chartWeek);
  return `${RAW_PREFIX}spotify/${chartWeek.chart}/week=${chartWeek.week}/enrichment-${fetchedAt.replace(/:/g, '-')}.json`;
}

export function isEnrichmentKey(key: string): boolean {
  return parseRawKey(key)?.kind === 'spotify' && key.slice(key.lastIndexOf('/') + 1).startsWith('enrichment-');
}

export function rawCsvKey(chartWeek: ChartWeek, fileName: string): string {
  assertChartWeek(chartWeek);
  if (fileName.includes('/') || fileName.startsWith('.')) throw new Error(`invalid file name ${JSON.stringify(fileName)}`);
  return `${RAW_PREFIX}charts-csv/${chartWeek.chart}/week=${chartWeek.week}/${fileName}`;
}

/** Parses a raw key, or returns `undefined` when the key is not a raw object of a known kind. */
export function parseRawKey(key: string): RawKeyParts | undefined {
  const match = /^raw\/(spotify|charts-csv)\/([^/]+)\/week=([^/]+)\/([^/]+)$/.exec(key);
  if (!match) return undefined;
  const [, kind, chart, week, name] = match;
  if (!CHART_ALIAS.test(chart) || !isIsoDate(week)) return undefined;
  return { kind: kind as RawKind, chart, week, name };
}

/** Prefix under which every raw object of one chart week lies. */
export function rawWeekPrefix(kind: RawKind, chartWeek: ChartWeek): string {
  return `${RAW_PREFIX}${kind}/${chartWeek.chart}/week=${chartWeek.week}/`;
}

/** Prefix under which every raw object of one chart and kind lies, all weeks. */
export function rawChartPrefix(kind: RawKind, chart: string): string {
  if (!CHART_ALIAS.test(chart)) throw new Error(`invalid chart alias ${JSON.stringify(chart)}`);
  return `${RAW_PREFIX}${kind}/${chart}/`;
}

export const RAW_KINDS: readonly RawKind[] = ['spotify', 'charts-csv'];

/** The year (partition `year=`) a chart week belongs to. */
export function yearOfWeek(week: string): number {
  return Number(week.slice(0, 4));
}

export interface ChartYear {
  chart: string;
  year: number;
}

/** A chart week's chart-year as one string, "regional-us-weekly/2023": what tells two weeks' chart-years apart. */
export function chartYearId({ chart, week }: ChartWeek): string {
  return `${chart}/${yearOfWeek(week)}`;
}

/** The chart-years the weeks fall in, each once, in the order first met. */
export function chartYearsOf(weeks: readonly ChartWeek[]): ChartYear[] {
  const seen = new Map<string, ChartYear>();
  for (const { chart, week } of weeks) seen.set(chartYearId({ chart, week }), { chart, year: yearOfWeek(week) });
  return [...seen.values()];
}

function assertChartYear({ chart, year }: ChartYear): void {
  if (!CHART_ALIAS.test(chart)) throw new Error(`invalid chart alias ${JSON.stringify(chart)}`);
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new Error(`invalid chart year ${JSON.stringify(year)}`);
}

const TABLE_NAME = /^[a-z_][a-z0-9_]*$/;

/** Whether a name is a chart alias (the `chart=` folders and raw keys are named by one). */
export function isChartAlias(chart: string): boolean {
  return CHART_ALIAS.test(chart);
}

/** Prefix under which a table's files of one chart lie, every year. */
export function tableChartPrefix(table: string, chart: string): string {
  if (!isChartAlias(chart)) throw new Error(`invalid chart alias ${JSON.stringify(chart)}`);
  if (!TABLE_NAME.test(table)) throw new Error(`invalid table name ${JSON.stringify(table)}`);
  return `${TRANSFORMED_PREFIX}${table}/chart=${chart}/`;
}

/** The one Parquet file of a table for one chart and year: rewritten whole when a week in it changes. */
export function tableFileKey(table: string, chartYear: ChartYear): string {
  assertChartYear(chartYear);
  return `${tableChartPrefix(table, chartYear.chart)}year=${chartYear.year}/part-0.parquet`;
}

/** The one Parquet file of a lake-wide table (not per chart: song identity, songwriter credits). */
export function lakeTableKey(table: string): string {
  if (!TABLE_NAME.test(table)) throw new Error(`invalid table name ${JSON.stringify(table)}`);
  return `${TRANSFORMED_PREFIX}${table}/part-0.parquet`;
}

/** The lake-wide table of song identity, kept in files by the year its track ids first charted (`songsFileKey`). */
export const SONGS_TABLE = 'songs';
export const SONGS_PREFIX = `${TRANSFORMED_PREFIX}${SONGS_TABLE}/`;

/**
 * The file of `songs` holding the ids that first charted in `year`: a week added rewrites the files of the years its
 * new and changed ids first charted in (mostly this year's), not the whole table. An id's row never moves: the week
 * it first charted is fixed unless an older week is imported, which rebuilds every file.
 */
export function songsFileKey(year: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new Error(`invalid year ${year}`);
  return `${SONGS_PREFIX}part-${year}.parquet`;
}

/** The year of a `songsFileKey`, or `undefined` for any other key (a file of another layout). */
export function songsFileYear(key: string): number | undefined {
  const match = /^transformed\/songs\/part-(\d{4})\.parquet$/.exec(key);
  return match ? Number(match[1]) : undefined;
}

/** Where the state of song identity lies (`ids`, `links`, `weeks`): an increment starts from it. Not a table. */
export const SONG_IDENTITY_TABLE = '_song_identity';

export type SongIdentityPart = 'ids' | 'changed-ids' | 'links' | 'weeks';

export function songIdentityKey(part: SongIdentityPart): string {
  return `${TRANSFORMED_PREFIX}${SONG_IDENTITY_TABLE}/${part}.parquet`;
}

/** Whether a table folder of transformed/ holds a table: `_` names are the lake's own records (lineage, state). */
export function isCatalogTable(table: string): boolean {
  return !table.startsWith('_') || table === LINEAGE_TABLE;
}

/** The lineage file of one chart and year: one row per chart week, written after the week's tables (the commit). */
export function lineageKey(chartYear: ChartYear): string {
  return tableFileKey(LINEAGE_TABLE, chartYear);
}

export interface TableFileParts {
  table: string;
  /** Undefined for a lake-wide table. */
  chart?: string;
  year?: number;
  file: string;
}

/** Parses a key of the transformed zone (per chart-year or lake-wide), or `undefined` for anything else. */
export function parseTableFileKey(key: string): TableFileParts | undefined {
  const partitioned = /^transformed\/([a-z_][a-z0-9_]*)\/chart=([^/]+)\/year=(\d{4})\/([^/]+)$/.exec(key);
  if (partitioned) {
    const [, table, chart, year, file] = partitioned;
    return CHART_ALIAS.test(chart) ? { table, chart, year: Number(year), file } : undefined;
  }
  const lakeWide = /^transformed\/([a-z_][a-z0-9_]*)\/([^/]+\.parquet)$/.exec(key);
  if (lakeWide) return { table: lakeWide[1], file: lakeWide[2] };
  return undefined;
}

/** A key of the per-week layout of chartlake 0.1 (`.../chart=<c>/week=<d>/...`): such a lake is upgraded by re-transforming raw/. */
export function isPerWeekLayoutKey(key: string): boolean {
  return /^transformed\/[^/]+\/chart=[^/]+\/week=/.test(key);
}

export function quarantineKey(rawKey: string): string {
  return `${QUARANTINE_PREFIX}${rawKey}.error.json`;
}

/** The prefix of the quarantine reports (`quarantineKey`) of a chart's raw objects of one kind. */
export function quarantineChartPrefix(kind: RawKind, chart: string): string {
  return `${QUARANTINE_PREFIX}${rawChartPrefix(kind, chart)}`;
}

function assertPurpose(purpose: string): void {
  if (!/^[a-z][a-z0-9-]*$/.test(purpose)) throw new Error(`invalid lock purpose ${JSON.stringify(purpose)}`);
}

/** The lock of one chart week for one purpose (`extract`); outside raw/ and transformed/ on purpose. */
export function weekLockKey(chartWeek: ChartWeek, purpose: string): string {
  assertChartWeek(chartWeek);
  assertPurpose(purpose);
  return `${LOCK_PREFIX}${chartWeek.chart}/week=${chartWeek.week}/${purpose}.lock`;
}

/** The lock of one chart-year's files (`transform`): writers of one file are serialised. */
export function yearLockKey(chartYear: ChartYear, purpose: string): string {
  assertChartYear(chartYear);
  assertPurpose(purpose);
  return `${LOCK_PREFIX}${chartYear.chart}/year=${chartYear.year}/${purpose}.lock`;
}

/** The lock of a lake-wide object (the catalog, a lake-wide table). */
export function lakeLockKey(name: string): string {
  assertPurpose(name);
  return `${LOCK_PREFIX}lake/${name}.lock`;
}

export const REPORTS_PREFIX = 'reports/';

/** Where `chartlake report` puts its pages (and tests their screenshots): outside raw/ and transformed/; `a/b.html` nests. */
export function reportKey(fileName: string): string {
  if (!fileName.split('/').every((segment) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(segment))) throw new Error(`invalid report file name ${JSON.stringify(fileName)}`);
  return `${REPORTS_PREFIX}${fileName}`;
}

/**
 * MusicBrainz songwriter lookups: one immutable object per ISRC lookup chain,
 *   raw/musicbrainz/isrc=<ISRC>/<fetched-at>.<outcome>.json
 * The outcome is in the name so the lake's listing alone is the lookup cache (no object has to be read to know
 * whether an ISRC was matched, or missed and when).
 */
export const MUSICBRAINZ_PREFIX = `${RAW_PREFIX}musicbrainz/`;

export const MUSICBRAINZ_OUTCOMES = ['matched', 'no-recording', 'no-work', 'no-writer'] as const;
export type MusicBrainzOutcome = (typeof MUSICBRAINZ_OUTCOMES)[number];

export interface MusicBrainzKeyParts {
  isrc: string;
  /** ISO timestamp of the lookup, as given to `rawMusicBrainzKey`. */
  fetchedAt: string;
  outcome: MusicBrainzOutcome;
}

const ISRC = /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/;

/** An ISRC as Spotify and MusicBrainz write it: 12 characters, no dashes (CC XXX YY NNNNN). */
export function isIsrc(value: string): boolean {
  return ISRC.test(value);
}

export function rawMusicBrainzKey(isrc: string, fetchedAt: string, outcome: MusicBrainzOutcome): string {
  if (!isIsrc(isrc)) throw new Error(`invalid ISRC ${JSON.stringify(isrc)}`);
  if (Number.isNaN(Date.parse(fetchedAt))) throw new Error(`invalid fetch time ${JSON.stringify(fetchedAt)}`);
  if (!MUSICBRAINZ_OUTCOMES.includes(outcome)) throw new Error(`invalid MusicBrainz outcome ${JSON.stringify(outcome)}`);
  return `${MUSICBRAINZ_PREFIX}isrc=${isrc}/${fetchedAt.replace(/:/g, '-')}.${outcome}.json`;
}

/** Parses a MusicBrainz raw key, or `undefined` when the key is something else. */
export function parseMusicBrainzKey(key: string): MusicBrainzKeyParts | undefined {
  const match = /^raw\/musicbrainz\/isrc=([^/]+)\/(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d+)?Z)\.([a-z-]+)\.json$/.exec(key);
  if (!match) return undefined;
  const [, isrc, stamp, outcome] = match;
  if (!isIsrc(isrc) || !(MUSICBRAINZ_OUTCOMES as readonly string[]).includes(outcome)) return undefined;
  const fetchedAt = stamp.replace(/T(\d{2})-(\d{2})-(\d{2})/, 'T$1:$2:$3');
  return { isrc, fetchedAt, outcome: outcome as MusicBrainzOutcome };
}
