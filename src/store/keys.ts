/**
 * The lake layout (DESIGN.md): the only place that builds or parses keys.
 *
 *   raw/spotify/<chart>/week=<YYYY-MM-DD>/<fetched-at>.json
 *   raw/charts-csv/<chart>/week=<YYYY-MM-DD>/<original file name>
 *   transformed/<table>/chart=<chart>/week=<YYYY-MM-DD>/part-0.parquet
 *   transformed/_lineage/chart=<chart>/week=<YYYY-MM-DD>/lineage.json
 *   raw/musicbrainz/isrc=<ISRC>/<fetched-at>.<outcome>.json
 *   quarantine/<raw key>.error.json
 *   locks/<chart>/week=<YYYY-MM-DD>/<purpose>.lock
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

export function partitionPrefix(table: string, chartWeek: ChartWeek): string {
  return `${TRANSFORMED_PREFIX}${table}/chart=${chartWeek.chart}/week=${chartWeek.week}/`;
}

export function partitionKey(table: string, chartWeek: ChartWeek): string {
  assertChartWeek(chartWeek);
  return `${partitionPrefix(table, chartWeek)}part-0.parquet`;
}

export function lineageKey(chartWeek: ChartWeek): string {
  assertChartWeek(chartWeek);
  return `${partitionPrefix(LINEAGE_TABLE, chartWeek)}lineage.json`;
}

export interface PartitionKeyParts extends ChartWeek {
  table: string;
  file: string;
}

export function parsePartitionKey(key: string): PartitionKeyParts | undefined {
  const match = /^transformed\/([^/]+)\/chart=([^/]+)\/week=([^/]+)\/([^/]+)$/.exec(key);
  if (!match) return undefined;
  const [, table, chart, week, file] = match;
  return { table, chart, week, file };
}

export function quarantineKey(rawKey: string): string {
  return `${QUARANTINE_PREFIX}${rawKey}.error.json`;
}

/** The lock of one chart week for one purpose (`extract`, `transform`); outside raw/ and transformed/ on purpose. */
export function weekLockKey(chartWeek: ChartWeek, purpose: string): string {
  assertChartWeek(chartWeek);
  if (!/^[a-z][a-z0-9-]*$/.test(purpose)) throw new Error(`invalid lock purpose ${JSON.stringify(purpose)}`);
  return `${LOCK_PREFIX}${chartWeek.chart}/week=${chartWeek.week}/${purpose}.lock`;
}

export const REPORTS_PREFIX = 'reports/';

/** Where `chartlake report` puts its HTML page (and tests their screenshots): outside raw/ and transformed/. */
export function reportKey(fileName: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(fileName)) throw new Error(`invalid report file name ${JSON.stringify(fileName)}`);
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
