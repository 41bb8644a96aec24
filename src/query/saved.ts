import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { QueryResult } from './duckdb';
import type { Parameter, QueryEngine } from './engine';
import { namesIn } from './sql';

/**
 * Saved analyses: plain SQL files that run unchanged on DuckDB and Athena. Each declares its parameters in a
 * header line `-- params: chart VARCHAR, from_week DATE, to_week DATE, limit INTEGER = 50` (`= value` makes one
 * optional; `= NULL` means "not filtered") and binds them once each, in that order, as `?` in its first CTE, so
 * both engines take them as positional parameters. A header line `-- empty: <why>` says what an empty result means.
 */
export const ANALYSES_DIR = path.join(__dirname, 'analyses');

export interface SavedAnalysis {
  name: string;
  file: string;
  title: string;
  parameters: { name: string; type: string; default?: Parameter }[];
  /** What an empty result means, in the user's terms. */
  whenEmpty?: string;
  sql: string;
}

export function listSavedAnalyses(dir = ANALYSES_DIR): SavedAnalysis[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => parseSavedAnalysis(path.join(dir, file)));
}

export function savedAnalysis(name: string, dir = ANALYSES_DIR): SavedAnalysis {
  const found = listSavedAnalyses(dir).find((analysis) => analysis.name === name);
  if (!found) {
    const names = listSavedAnalyses(dir).map((analysis) => analysis.name).join(', ');
    throw new Error(`no saved analysis "${name}"; saved analyses: ${names}`);
  }
  return found;
}

export function parseSavedAnalysis(file: string): SavedAnalysis {
  const sql = readFileSync(file, 'utf8');
  const title = /^--\s*(?!params:|empty:)(.+)$/m.exec(sql)?.[1].trim() ?? path.basename(file, '.sql');
  const whenEmpty = /^--\s*empty:\s*(.+)$/m.exec(sql)?.[1].trim();
  const declared = /^--\s*params:\s*(.*)$/m.exec(sql)?.[1] ?? '';
  const parameters = declared
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [declaration, fallback] = part.split('=').map((side) => side.trim());
      const [name, type = 'VARCHAR'] = declaration.split(/\s+/);
      if (fallback === undefined) return { name, type };
      return { name, type, default: defaultValue(file, name, type, fallback) };
    });
  const placeholders = (sql.replace(/--[^\n]*/g, '').replace(/'(?:[^']|'')*'/g, "''").match(/\?/g) ?? []).length;
  if (placeholders !== parameters.length) {
    throw new Error(`${file}: declares ${parameters.length} parameter(s) but has ${placeholders} '?' placeholder(s)`);
  }
  return { name: path.basename(file, '.sql'), file, title, parameters, whenEmpty, sql: sql.trim().replace(/;\s*$/, '') };
}

function defaultValue(file: string, name: string, type: string, text: string): Parameter {
  if (/^null$/i.test(text)) return null;
  if (type === 'INTEGER') {
    if (!/^\d+$/.test(text)) throw new Error(`${file}: parameter ${name} INTEGER has default ${text}, not a whole number`);
    return Number(text);
  }
  return text.replace(/^'(.*)'$/, '$1');
}

/** The command-line option that gives a saved analysis parameter its value (`from_week` → `--from`). */
export function parameterOption(name: string): string {
  return `--${name.replace(/_week$/, '').replace(/_/g, '-')}`;
}

/** A saved analysis reads a table the lake does not have (yet): e.g. `song_credits` before any songwriter lookup. */
export class MissingTableError extends Error {
  constructor(
    readonly analysis: string,
    readonly table: string,
  ) {
    super(`saved analysis ${analysis} needs the table ${table}, which this lake does not have yet${MISSING_TABLE_HINTS[table] ? ` (${MISSING_TABLE_HINTS[table]})` : ''}`);
    this.name = 'MissingTableError';
  }
}

const MISSING_TABLE_HINTS: Record<string, string> = {
  song_credits: 'chartlake enrich --credits looks the songwriters up on MusicBrainz',
};

/** Runs a saved analysis with named values; a missing value, or a table the lake lacks, is a clear error. */
export async function runSavedAnalysis(engine: QueryEngine, analysis: SavedAnalysis, values: Record<string, Parameter | undefined>): Promise<QueryResult> {
  const bound = bindSavedAnalysis(analysis, values);
  // A saved analysis of this project reads only the chart it is asked about (its filters prune every other chart's
  // files: test/analyses/saved-analyses.test.ts), so a local engine checks only that chart's files while it reads.
  const chart = bound[analysis.parameters.findIndex((parameter) => parameter.name === 'chart')];
  const scope = typeof chart === 'string' && path.dirname(analysis.file) === ANALYSES_DIR ? { charts: [chart] } : undefined;
  try {
    return await engine.query(analysis.sql, bound, scope);
  } catch (error) {
    // DuckDB: "Table with name song_credits does not exist"; Athena: "Table 'catalog.db.song_credits' does not exist".
    const message = error instanceof Error ? error.message : String(error);
    // The name the engine says is missing (DuckDB's message may go on with "Did you mean ...?" naming another table).
    const named = /with name (\w+) does not exist|'(?:[\w-]+\.)*(\w+)' does not exist/i.exec(message);
    const missing = named ? (named[1] ?? named[2]).toLowerCase() : undefined;
    if (missing && namesIn(analysis.sql).has(missing)) throw new MissingTableError(analysis.name, missing);
    throw error;
  }
}

/**
 * The values of a saved analysis' `?` placeholders, in order: the named values, or the parameter's default; an
 * unknown name, a missing value or a bad number is a clear error in the terms of the command's options.
 */
export function bindSavedAnalysis(analysis: SavedAnalysis, values: Record<string, Parameter | undefined>): Parameter[] {
  const declared = new Set(analysis.parameters.map(({ name }) => name));
  const unknown = Object.keys(values).filter((name) => values[name] !== undefined && !declared.has(name));
  if (unknown.length > 0) {
    throw new Error(`saved analysis ${analysis.name} takes no ${unknown.map(parameterOption).join(', ')} (it takes ${analysis.parameters.map((p) => parameterOption(p.name)).join(', ')})`);
  }
  return analysis.parameters.map(({ name, type, default: fallback }) => {
    const value = values[name] === undefined ? fallback : values[name];
    if (value === undefined) throw new Error(`saved analysis ${analysis.name} needs ${parameterOption(name)}`);
    if (type === 'INTEGER' && value !== null && !(Number.isInteger(Number(value)) && Number(value) > 0)) {
      throw new Error(`saved analysis ${analysis.name}: ${parameterOption(name)} must be a positive whole number, not ${value}`);
    }
    return type === 'INTEGER' && value !== null ? Number(value) : value;
  });
}

