import { statSync } from 'node:fs';
import * as path from 'node:path';
import { resolveLake } from '../config';
import { FilePatternPathError, LAKE_PATH_FIX, literalFilePath } from '../query/sql';
import type { ObjectStore } from '../store';
import { UsageError, listOf, stringOf, type Command, type OptionSpec, type Values } from './command';
import { closest, didYouMean } from './parse';

/**
 * The input checks every command gets before it does any work, driven by the declarations (`check`, `lake`):
 * dates, chart weeks, numbers and choices, `--from` after `--to`, a lake that does not exist, a chart the lake
 * does not hold. Messages are in the user's terms; nothing here reaches DuckDB.
 */
export async function checkInputs(name: string, command: Command, values: Values): Promise<void> {
  for (const [option, spec] of Object.entries(command.options)) {
    for (const value of listOf(values, option) ?? []) checkValue(name, option, spec, value);
  }
  const from = stringOf(values, 'from');
  const to = stringOf(values, 'to');
  if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}: swap them`, name);
  const lakeUsed = lakeUse(command, values);
  if (lakeUsed === 'none') return;
  checkLakePath(name, lakeOf(values));
  if (lakeUsed !== 'reads') return;
  const store = openLake(values);
  await checkLakeExists(store, stringOf(values, 'lake') === undefined);
  const chartOptions = Object.entries(command.options).filter(([, spec]) => spec.check === 'chart');
  const wanted = chartOptions.flatMap(([option]) => listOf(values, option) ?? []);
  if (wanted.length > 0) await checkCharts(store, wanted);
}

/** A local lake whose path DuckDB would read as a file pattern is refused before any work (`lake?` would read `lakeA`). */
function checkLakePath(name: string, lake: string): void {
  if (lake.startsWith('s3://')) return;
  try {
    literalFilePath(path.resolve(lake), '--lake', LAKE_PATH_FIX);
  } catch (error) {
    if (error instanceof FilePatternPathError) throw new UsageError(error.message, name);
    throw error;
  }
}

/** `reads`, `creates` or `none` for these values (e.g. `query --engine athena` does not read the local lake). */
export function lakeUse(command: Command, values: Values): Command['lake'] {
  if (command.lake === 'reads' && (values.engine === 'athena' || values.list === true)) return 'none';
  return command.lake;
}

/** The lake the command works on: `--lake`, else the configuration (CHARTLAKE_LAKE, chartlake.config.json, ./lake). */
export function lakeOf(values: Values): string {
  return resolveLake({ lake: stringOf(values, 'lake') });
}

/** The lake's object store; the store layer (and the AWS SDK with it) loads only when a command needs it. */
export function openLake(values: Values): ObjectStore {
  return (require('../store') as typeof import('../store')).openStore(lakeOf(values));
}

function checkValue(name: string, option: string, spec: OptionSpec, value: string): void {
  const check = spec.check;
  if (check === undefined || check === 'chart') return;
  const flag = `--${option}`;
  if (Array.isArray(check)) {
    if (!check.includes(value)) throw new UsageError(`${flag} must be ${orList(check)}, not "${value}"${didYouMean(value, check)}`, name);
    return;
  }
  if (check === 'date' || check === 'week') {
    const problem = dateProblem(value);
    if (problem) throw new UsageError(`${flag} ${value} ${problem}`, name);
    if (check === 'week') {
      const date = new Date(`${value}T00:00:00Z`);
      const day = date.getUTCDay();
      if (day !== 4) {
        const previous = new Date(date.getTime() - ((day + 3) % 7) * 86_400_000).toISOString().slice(0, 10);
        throw new UsageError(
          `${flag} ${value} is a ${WEEKDAYS[day]}, but chart weeks are dated on the Thursday that ends them: did you mean ${previous}?`,
          name,
        );
      }
    }
    return;
  }
  const number = Number(value);
  const minimum = check === 'port' ? 0 : 1;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < minimum || (check === 'port' && number > 65535)) {
    throw new UsageError(`${flag} must be a whole number${check === 'port' ? ' from 0 to 65535' : ' of at least 1'}, not "${value}"`, name);
  }
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Why a value is not a date YYYY-MM-DD, or undefined when it is one. */
export function dateProblem(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return 'is not a date: write it as YYYY-MM-DD (e.g. 2023-03-02)';
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    return `is not a day of the calendar (${Number(match[2]) > 12 ? 'there are 12 months' : 'that month has fewer days'})`;
  }
  return undefined;
}

/** Only `import`, `run` and `demo` create a lake; every other command refuses a lake that is not there. */
async function checkLakeExists(store: ObjectStore, fromConfig: boolean): Promise<void> {
  const how = fromConfig ? ' (from CHARTLAKE_LAKE, chartlake.config.json or the default ./lake; --lake names another)' : '';
  const create = 'import CSV files (chartlake import), extract a week (chartlake run) or try the demo (chartlake demo) to create one';
  if (!store.location.startsWith('s3://')) {
    let isFolder = false;
    try {
      isFolder = statSync(store.location).isDirectory();
    } catch {
      throw new UsageError(`there is no lake at ${store.location}${how}: ${create}`);
    }
    if (!isFolder) throw new UsageError(`${store.location} is a file, not a lake folder${how}`);
  }
  // A lake has at least one of these; a folder with none of them is some other folder (or an empty one).
  for (const marker of ['catalog.json', 'transformed/', 'raw/', 'quarantine/']) {
    if (marker.endsWith('/') ? await hasAny(store, marker) : (await store.head(marker)) !== undefined) return;
  }
  throw new UsageError(`${store.location} holds no lake data yet${how}: ${create}`);
}

async function hasAny(store: ObjectStore, prefix: string): Promise<boolean> {
  return (await store.list(prefix)).length > 0;
}

/** The charts the lake holds: every chart with a transformed week (lineage) or a quarantined raw object. */
export async function chartsOfLake(store: ObjectStore): Promise<string[]> {
  const charts = new Set<string>();
  for (const object of await store.list('transformed/_lineage/')) {
    const match = /^transformed\/_lineage\/chart=([^/]+)\//.exec(object.key);
    if (match) charts.add(match[1]);
  }
  for (const object of await store.list('quarantine/')) {
    const match = /^quarantine\/raw\/[^/]+\/([^/]+)\/week=/.exec(object.key);
    if (match) charts.add(match[1]);
  }
  return [...charts].sort();
}

async function checkCharts(store: ObjectStore, wanted: string[]): Promise<void> {
  // The charts named are looked up first (a chart's lineage folder): listing every chart's costs a walk of the lake's
  // lineage, paid only to name the charts there are when one is missing. (The store is loaded: `store` is open.)
  const { isChartAlias, LINEAGE_TABLE, tableChartPrefix } = require('../store') as typeof import('../store');
  const missing: string[] = [];
  for (const chart of wanted) if (!isChartAlias(chart) || !(await hasAny(store, tableChartPrefix(LINEAGE_TABLE, chart)))) missing.push(chart);
  if (missing.length === 0) return;
  const known = await chartsOfLake(store);
  for (const chart of missing) {
    if (known.includes(chart)) continue;
    if (known.length === 0) throw new UsageError(`the lake ${store.location} has no chart weeks yet, so no chart ${chart}`);
    const near = closest(chart, known);
    throw new UsageError(`the lake ${store.location} has no chart ${chart}${near ? ` (did you mean ${near}?)` : ''}; it has ${known.join(', ')}`);
  }
}

function orList(values: readonly string[]): string {
  return values.length <= 1 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}
