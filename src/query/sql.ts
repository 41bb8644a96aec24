import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Values a SQL template may take; each is rendered as a SQL literal, never spliced raw. */
export type SqlValue = string | number | boolean | null | readonly string[] | readonly number[];

/** Quotes a string as a SQL literal ('' doubles a quote); the same rule holds in DuckDB and Athena. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Quotes a name as a SQL identifier ("" doubles a quote). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
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

/** `rows` as a relation `t` whose columns are named `columns` (for a FROM): each value a SQL literal; none, no rows. */
export function valuesRelation(columns: readonly string[], rows: readonly (readonly SqlValue[])[]): string {
  if (rows.length === 0) return `(SELECT ${columns.map((column) => `NULL::VARCHAR AS ${column}`).join(', ')} WHERE false) AS t`;
  return `(VALUES ${rows.map((row) => `(${row.map(sqlLiteral).join(', ')})`).join(', ')}) AS t(${columns.join(', ')})`;
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
  let next = 0;
  const out = rewriteCode(sql, (code) =>
    code.replace(/\?/g, () => {
      if (next >= parameters.length) throw new Error(`the statement has more '?' placeholders than the ${parameters.length} value(s) given`);
      return sqlLiteral(parameters[next++]);
    }),
  );
  if (next !== parameters.length) throw new Error(`${parameters.length} value(s) given for ${next} '?' placeholder(s)`);
  return out;
}

/**
 * A query's `params` CTE values folded into every `p.<name>` that reads them: with
 * `WITH params AS (SELECT CAST(? AS VARCHAR) AS chart, …)` and the value `'regional-us-weekly'`, `p.chart` becomes
 * `CAST('regional-us-weekly' AS VARCHAR)`. DuckDB prunes a table's files only by values it knows when it plans the
 * query, and a join with `params` is not one: without this, a query of one chart read every chart's files (Athena
 * likewise prunes partitions by literals). `p` is the `params` CTE in every query that has one (a test holds the
 * SQL files to it). The `?` placeholders stay as they are, bound as before; a query without a `params` CTE, or
 * without values, is returned unchanged.
 */
export function foldParams(sql: string, parameters: readonly (string | number | boolean | null)[]): string {
  if (parameters.length === 0) return sql;
  // Each placeholder marked with its position, so the CTE's `CAST(? AS type) AS name` says which value is which.
  let next = 0;
  const marked = rewriteCode(sql, (code) => code.replace(/\?/g, () => `\u0000${next++}\u0000`));
  const cte = /\bWITH\s+params\s+AS\s*\(\s*SELECT\s+((?:CAST\(\u0000\d+\u0000\s+AS\s+\w+\)\s+AS\s+\w+\s*,?\s*)+)\)/i.exec(marked);
  if (!cte) return sql;
  const values = new Map<string, string>();
  for (const [, index, type, name] of cte[1].matchAll(/CAST\(\u0000(\d+)\u0000\s+AS\s+(\w+)\)\s+AS\s+(\w+)/gi)) {
    const value = parameters[Number(index)];
    if (value !== undefined) values.set(name.toLowerCase(), `CAST(${sqlLiteral(value)} AS ${type})`);
  }
  return rewriteCode(sql, (code) => code.replace(/\bp\.([a-z_][a-z0-9_]*)\b/gi, (whole: string, name: string) => values.get(name.toLowerCase()) ?? whole));
}

/**
 * The names a query's code mentions, lower case (string literals, quoted identifiers and comments left out): a
 * superset of the tables it reads, whatever the syntax that names them (FROM, JOIN, a comma, DESCRIBE). A name
 * right after `AS` is an alias or a type, never a table read (`count(*) AS artists` reads no `artists`).
 */
export function namesIn(sql: string): Set<string> {
  const names = new Set<string>();
  rewriteCode(sql, (code) => {
    let previous = '';
    for (const name of code.toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? []) {
      if (previous !== 'as') names.add(name);
      previous = name;
    }
    return code;
  });
  return names;
}

/** `sql` with `rewrite` applied to its code: string literals, quoted identifiers and comments are kept as they are. */
function rewriteCode(sql: string, rewrite: (code: string) => string): string {
  let out = '';
  let code = '';
  let i = 0;
  while (i < sql.length) {
    const char = sql[i];
    const two = sql.slice(i, i + 2);
    let end: number;
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
    } else {
      code += char;
      i += 1;
      continue;
    }
    out += rewrite(code) + sql.slice(i, end);
    code = '';
    i = end;
  }
  return out + rewrite(code);
}
