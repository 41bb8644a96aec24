import { StatementType } from '@duckdb/node-api';
import type { DuckDb, DuckDbConnection, QueryResult } from './duckdb';
import type { Parameter, QueryEngine } from './engine';
import { foldParams, inlineParameters, namesIn } from './sql';
import { assertReadKeyword, ReadOnlyQueryError } from './read-only';
import { lineageState, readWhole } from './lake-files';
import { LINEAGE_TABLE, TRANSFORMED_PREFIX } from '../store';

/** A lake's views as an engine reads them: see `openLakeEngine`. */
export interface LakeViews {
  /** The folder holding `transformed/` (a folder lake, or the local copy of an S3 lake). */
  root: string;
  /** `lineageState(root)` when the views were opened. */
  lineage: string;
  /**
   * (Re)creates the views over the files below `root` (the lake's folder, or a snapshot laid out as it), whose
   * lineage files are as `lineage` (`lineageState(root)`) says.
   */
  openViews(root: string, lineage: string): Promise<void>;
  /** The tables the views read (folders of transformed/): a query is checked for replaced files in those it names. */
  tables?: readonly string[];
}

/** The local engine: DuckDB with the lake's views (created by the catalog) on one connection. */
export class DuckDbEngine implements QueryEngine {
  readonly name = 'duckdb' as const;

  constructor(
    readonly duck: DuckDb,
    readonly connection: DuckDbConnection,
    private readonly ownsDatabase = false,
    /** The lake the views read, and how to point them at a folder laid out as it: each query sees its files whole. */
    private readonly lake?: LakeViews,
  ) {
    this.viewsRoot = lake?.root;
    this.lineage = lake?.lineage;
  }

  /** The folder the views read now: the lake's, or a snapshot's while a query reads one. */
  private viewsRoot: string | undefined;
  /** The lineage files (`filesState`) when `_runs` was read: the views are opened again when it changed. */
  private lineage: string | undefined;

  /**
   * `?` values are inlined as SQL literals rather than bound: DuckDB plans a prepared statement before it sees
   * the values, so a bound `?` can never prune Hive partitions or use the values in the optimizer; and they are
   * folded into the `p.<name>` that read them (`foldParams`), which a join with `params` is not either.
   */
  query(sql: string, parameters: readonly Parameter[] = []): Promise<QueryResult> {
    return this.read(parameters.length > 0 ? inlineParameters(foldParams(sql, parameters), parameters) : sql);
  }

  /**
   * Runs one statement typed by a user, only when it reads: the text check first (a clear message), then DuckDB's own
   * parse (exactly one statement, of type SELECT or EXPLAIN), so `SELECT 1; DROP VIEW x` or a CTE before an
   * INSERT cannot slip through.
   */
  async queryReadOnly(sql: string): Promise<QueryResult> {
    assertReadKeyword(sql);
    const statements = await this.connection.raw.extractStatements(sql);
    if (statements.count !== 1) throw new ReadOnlyQueryError(`${statements.count} statements (query runs one)`);
    const prepared = await statements.prepare(0);
    if (prepared.statementType !== StatementType.SELECT && prepared.statementType !== StatementType.EXPLAIN) {
      throw new ReadOnlyQueryError(`a ${StatementType[prepared.statementType]} statement`);
    }
    return this.read(sql);
  }

  /**
   * Runs a query over the views; when a file was replaced while it read, again over a snapshot (`readWhole`). Weeks
   * committed since the views were opened (the lineage changed) are seen: `_runs` is read again first.
   */
  private read(sql: string): Promise<QueryResult> {
    const lake = this.lake;
    if (!lake) return this.connection.table(sql);
    return readWhole(lake.root, TRANSFORMED_PREFIX, async (root) => {
      const lineage = lineageState(root);
      if (root !== this.viewsRoot || lineage !== this.lineage) {
        await lake.openViews(root, lineage);
        this.viewsRoot = root;
        this.lineage = lineage;
      }
      return this.connection.table(sql);
    }, tableFoldersNamed(sql, lake.tables));
  }

  async close(): Promise<void> {
    this.connection.close();
    if (this.ownsDatabase) this.duck.close();
  }
}

/**
 * The table folders a query reads: those whose view (or `<table>_latest`, or `_runs` for the lineage) its SQL names;
 * the whole transformed zone when it names none (a catalog query binds every view).
 */
function tableFoldersNamed(sql: string, tables: readonly string[] = []): string[] | undefined {
  const words = namesIn(sql);
  const named = tables.filter((table) => words.has(table) || words.has(`${table}_latest`) || (table === LINEAGE_TABLE && words.has('_runs')));
  return named.length > 0 ? named.map((table) => `${TRANSFORMED_PREFIX}${table}/`) : undefined;
}
