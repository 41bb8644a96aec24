import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Values a SQL template may take; each is rendered as a SQL literal, never spliced raw. */
export type SqlValue = string | number | boolean | null | readonly string[] | readonly number[];

/** Quotes a string as a SQL literal ('' doubles a quote); the same rule holds in DuckDB and Athena. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Characters DuckDB expands in a file path: a path holding one would read other files too (`lake?` reads `lakeA`). */
const FILE_PATTERN_CHARACTERS = /[*?[\]{}\\]/;

/** A local path that holds a file-pattern character; the message names it, the role it plays and the way out. */
export class FilePatternPathError extends Error {
  constructor(readonly file: string, what: string, fix: string) {
    super(`${what} ${file} holds a character DuckDB reads as a file pattern (* ? [ ] { } \\): ${fix}`);
    this.name = 'FilePatternPathError';
  }
}

/**
 * The one check for every local path that reaches SQL (read_csv, read_json, read_parquet, COPY ... TO): DuckDB
 * has no way to quote a pattern character in a path, so such paths are refused rather than read as patterns.
 * Returns the path unchanged. `what` names the path in the user's terms, `fix` says what to do.
 */
export function literalFilePath(file: string, what: string, fix: string): string {
  if (FILE_PATTERN_CHARACTERS.test(file)) throw new FilePatternPathError(file, what, fix);
  return file;
}

/** The advice for a lake folder, and for the scratch folder (TMPDIR), shared by the places that check them. */
export const LAKE_PATH_FIX = 'move or rename the lake folder';
export const TEMP_PATH_FIX = 'set TMPDIR to a folder whose path has none of them';

export function sqlLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (Array.isArray(value)) return `[${(value as readonly (string | number)[]).map((item) => sqlLiteral(item)).join(', ')}]`;
  return sqlString(value as string);
}

/**
 * Fills `{{name}}` placeholders with SQL literals. Every placeholder must have a value, and every value a
 * placeholder, so a renamed parameter fails loudly instead of running the wrong query.
 */
export function renderSql(template: string, values: Record<string, SqlValue>, source = 'SQL template'): string {
  const used = new Set<string>();
  const sql = template.replace(/\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/gi, (_match, name: string) => {
    if (!(name in values)) throw new Error(`${source}: no value for parameter {{${name}}}`);
    used.add(name);
    return sqlLiteral(values[name]);
  });
  const unused = Object.keys(values).filter((name) => !used.has(name));
  if (unused.length > 0) throw new Error(`${source}: unknown parameter(s) ${unused.join(', ')}`);
  return sql;
}

const cache = new Map<string, string>();

/** Reads a `.sql` file that lives beside the code that runs it. */
export function loadSql(dir: string, name: string): string {
  const file = path.join(dir, name.endsWith('.sql') ? name : `${name}.sql`);
  let text = cache.get(file);
  if (text === undefined) {
    text = readFileSync(file, 'utf8');
    cache.set(file, text);
  }
  return text;
}

/** Splits a script into statements at semicolons that end a line (the style of this repo's .sql files). */
export function splitStatements(script: string): string[] {
  return script
    .split(/;\s*(?:\r?\n|$)/)
    .map((statement) => statement.replace(/^\s*(--[^\n]*\n\s*)*/g, '').trim())
    .filter((statement) => statement.length > 0);
}

/**
 * Replaces each `?` placeholder (outside string literals, quoted identifiers and comments) with its value as a
 * SQL literal, in order. DuckDB plans a prepared statement before it sees the values, so a bound `?` never prunes
 * Hive partitions; the same values as literals do. The values are quoted by `sqlLiteral`, never spliced raw.
 */
export function inlineParameters(sql: string, parameters: readonly (string | number | boolean | null)[]): string {
  let out = '';
  let next = 0;
  let i = 0;
  while (i < sql.length) {
    const char = sql[i];
    const two = sql.slice(i, i + 2);
    let end = i + 1;
    if (char === "'" || char === '"') {
      end = sql.indexOf(char, i + 1);
      while (end !== -1 && sql[end + 1] === char) end = sql.indexOf(char, end + 2);
      end = end === -1 ? sql.length : end + 1;
    } else if (two === '--') {
      end = sql.indexOf('\n', i);
      end = end === -1 ? sql.length : end;
    } else if (two === '/*') {
      end = sql.indexOf('*/', i + 2);
      end = end === -1 ? sql.length : end + 2;
    } else if (char === '?') {
      if (next >= parameters.length) throw new Error(`the statement has more '?' placeholders than the ${parameters.length} value(s) given`);
      out += sqlLiteral(parameters[next]);
      next += 1;
      i += 1;
      continue;
    }
    out += sql.slice(i, end);
    i = end;
  }
  if (next !== parameters.length) throw new Error(`${parameters.length} value(s) given for ${next} '?' placeholder(s)`);
  return out;
}
