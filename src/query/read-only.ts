/**
 * `chartlake query` runs what a user typed; the lake changes only through import, run, enrich and the transform.
 * A statement that could write (DELETE, UPDATE, INSERT, CREATE, DROP, ALTER, COPY, ATTACH, EXPORT, SET, CALL,
 * EXPLAIN ANALYZE of any of them, several statements in one) is refused before it runs, on both engines.
 * The local engine is an in-memory DuckDB over the lake's files, so a CREATE or DELETE could not persist anyway;
 * COPY ... TO and ATTACH could overwrite a lake file, and that is what this closes.
 */

/** The user's statement is not a read. */
export class ReadOnlyQueryError extends Error {
  constructor(readonly statement: string) {
    super(`query only reads (SELECT, WITH ... SELECT, FROM, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN), and this is ${statement}; the lake changes only through import, run and enrich`);
    this.name = 'ReadOnlyQueryError';
  }
}

/** Keywords a read-only statement may start with (after comments and opening parentheses). */
const READ_KEYWORDS = new Set(['select', 'with', 'from', 'values', 'table', 'describe', 'desc', 'show', 'summarize', 'explain']);

/** The statement without leading comments, opening parentheses and a trailing `;`. */
function stripped(sql: string): string {
  return sql.replace(/^(\s|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/|\()*/, '').replace(/[\s;]+$/, '');
}

/** The first word of the statement, lower case, for the message and the keyword check. */
export function leadingKeyword(sql: string): string {
  return (/^[a-z_]+/i.exec(stripped(sql))?.[0] ?? '').toLowerCase();
}

/**
 * The text check both engines share: the statement starts with a read keyword, and an EXPLAIN is not an
 * EXPLAIN ANALYZE (which runs the statement it explains). Throws ReadOnlyQueryError otherwise.
 */
export function assertReadKeyword(sql: string): void {
  const keyword = leadingKeyword(sql);
  const body = stripped(sql);
  if (!READ_KEYWORDS.has(keyword)) throw new ReadOnlyQueryError(describe(keyword, body));
  if (keyword === 'explain' && /^explain\s*(\([^)]*\banaly[sz]e\b[^)]*\)|analy[sz]e\b)/i.test(body)) throw new ReadOnlyQueryError(describe('explain analyze', body));
}

/** A short name of the statement for the message: its keyword, never the whole text (it may be long). */
function describe(keyword: string, body: string): string {
  const shown = body.length > 60 ? `${body.slice(0, 57)}...` : body;
  return keyword ? `a ${keyword.toUpperCase()} statement ("${shown}")` : `"${shown}"`;
}
