import * as path from 'node:path';
import { StatementType } from '@duckdb/node-api';
import type { DuckDb, DuckDbConnection, QueryResult } from './duckdb';
import { toChartSpans, type ChartSpan, type Parameter, type QueryEngine, type QueryScope } from './engine';
import { foldParams, inlineParameters, loadSql, namesIn } from './sql';
import { assertReadKeyword, ReadOnlyQueryError } from './read-only';
import { lineageState, readWhole } from './lake-files';
import { isChartAlias, LINEAGE_TABLE, tableChartPrefix, TRANSFORMED_PREFIX } from '../store';

const SQL_DIR = path.join(__dirname, 'sql');

/** A lake's views as an engine reads them: see `openLakeEngine`. */
export interface LakeViews {
  /** The folder holding `transformed/` (a folder lake, or the local copy of an S3 lake). */
  root: string;
  /**
   * (Re)creates the views over the files below `root` (the lake's folder, or a snapshot laid out as it), whose
   * lineage files are as `lineage` (`lineageState(root)`) says: `_committed` (unless `runs` is false) and the views
   * of the tables `only` names (all when absent; `_runs` is LINEAGE_TABLE's); with `charts`, the views of the tables
   * partitioned by chart read only those charts' folders.
   */
  openViews(root: string, lineage: string, only?: readonly string[], runs?: boolean, charts?: readonly string[]): Promise<void>;
  /** The tables the views read (folders of transformed/): a query is checked for replaced files in those it names. */
  tables?: readonly string[];
  /** Of those, the tables partitioned by chart (`chart=` folders): a query scoped to charts is checked in theirs only. */
  chartTables?: readonly string[];
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
  ) {}

  /** The folder the views read now: the lake's, or a snapshot's while a query reads one (none before the first). */
  private viewsRoot: string | undefined;
  /** The lineage files (`filesState`) when `_committed` was read: the views are opened again when it changed. */
  private lineage: string | undefined;
  /**
   * The views that exist over `viewsRoot`, each with the charts it reads (`scopeKey`; '' for all): a query creates
   * those it names (each view costs a few ms to bind over its files, ~30 ms for all of a full lake, which a
   * one-query process need not pay), over its scope's charts only (a full lake's table is 73 charts' folders, which
   * DuckDB lists at each mention of the view: ~8 ms a mention, against ~1.5 ms for one chart's).
   */
  private opened: Map<string, string> | 'all' = new Map();

  /**
   * `?` values are inlined as SQL literals rather than bound: DuckDB plans a prepared statement before it sees
   * the values, so a bound `?` can never prune Hive partitions or use the values in the optimizer; and they are
   * folded into the `p.<name>` that read them (`foldParams`), which a join with `params` is not either.
   */
  query(sql: string, parameters: readonly Parameter[] = [], scope?: QueryScope): Promise<QueryResult> {
    return this.read(parameters.length > 0 ? inlineParameters(foldParams(sql, parameters), parameters) : sql, undefined, scope);
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
    const named = tablesNamed(sql, this.lake?.tables);
    await this.views(named); // preparing binds the views the statement names
    const prepared = await statements.prepare(0);
    if (prepared.statementType !== StatementType.SELECT && prepared.statementType !== StatementType.EXPLAIN) {
      throw new ReadOnlyQueryError(`a ${StatementType[prepared.statementType]} statement`);
    }
    return this.read(sql, named);
  }

  /**
   * Runs a query over the views; when a file was replaced while it read, again over a snapshot (`readWhole`). Weeks
   * committed since the views were opened (the lineage changed) are seen: `_runs` is read again first.
   */
  private read(sql: string, named = tablesNamed(sql, this.lake?.tables), scope?: QueryScope): Promise<QueryResult> {
    const lake = this.lake;
    if (!lake) return this.connection.table(sql);
    return readWhole(lake.root, TRANSFORMED_PREFIX, async (root) => {
      await this.openViews(lake, root, named, scope);
      return this.connection.table(sql);
    }, named && watchedFolders(named, lake.chartTables ?? [], scope));
  }

  /**
   * The lake's charts, biggest first. Over a lake, from `_committed`, the committed weeks the engine read at open
   * (again when weeks were committed since), not from every file's chart rows.
   */
  async chartSpans(): Promise<ChartSpan[]> {
    const lake = this.lake;
    if (!lake) return toChartSpans((await this.query(loadSql(SQL_DIR, 'chart-spans'))).rows);
    await this.openViews(lake, lake.root, []);
    return toChartSpans((await this.connection.table(loadSql(SQL_DIR, 'chart-spans-committed'))).rows);
  }

  /** Makes sure the views of `tables` (all when absent) exist, as a query naming them would. */
  async views(tables?: readonly string[]): Promise<void> {
    if (this.lake) await this.openViews(this.lake, this.lake.root, tables);
  }

  /**
   * Points the views at `root` when it or the lineage changed, and creates those of `tables` (all) still missing or
   * made for another scope. Only named views are made for a scope: all of them (a catalog query) read every chart.
   */
  private async openViews(lake: LakeViews, root: string, tables: readonly string[] | undefined, scope?: QueryScope): Promise<void> {
    const lineage = lineageState(root);
    const charts = tables ? scopedCharts(scope) : undefined;
    const key = scopeKey(charts);
    if (root !== this.viewsRoot || lineage !== this.lineage) {
      await lake.openViews(root, lineage, tables, true, charts);
      this.viewsRoot = root;
      this.lineage = lineage;
      this.opened = tables ? new Map(tables.map((table) => [table, key])) : 'all';
      return;
    }
    if (this.opened === 'all') {
      if (key === '') return;
      this.opened = new Map((lake.tables ?? []).flatMap((table) => [[table, ''], [`${table}_latest`, '']]));
    }
    const opened = this.opened;
    const missing = tables?.filter((table) => opened.get(table) !== key);
    if (missing?.length === 0) return;
    await lake.openViews(root, lineage, missing, false, charts);
    if (missing) missing.forEach((table) => opened.set(table, key));
    else this.opened = 'all';
  }

  async close(): Promise<void> {
    this.connection.close();
    if (this.ownsDatabase) this.duck.close();
  }
}

/**
 * The folders whose files a query of the tables `named` reads, checked for replacement before and after it runs:
 * each table's, or with a scope of charts, only those charts' folders of the tables partitioned by chart (a walk of
 * a full lake's table is ~660 directory reads and stats: 73 charts × 4 years; a chart's is 9).
 */
export function watchedFolders(named: readonly string[], chartTables: readonly string[], scope?: QueryScope): string[] {
  const charts = scopedCharts(scope);
  // (a `<table>_latest` view reads its table, which `named` holds too)
  return named.filter((name) => !(name.endsWith('_latest') && named.includes(name.slice(0, -'_latest'.length)))).flatMap((table) =>
    charts && table !== LINEAGE_TABLE && chartTables.includes(table) ? charts.map((chart) => tableChartPrefix(table, chart)) : [`${TRANSFORMED_PREFIX}${table}/`],
  );
}

/** The charts of a scope, when it names some and each is a chart's name (a folder `chart=<name>`). */
function scopedCharts(scope?: QueryScope): readonly string[] | undefined {
  return scope && scope.charts.length > 0 && scope.charts.every(isChartAlias) ? [...new Set(scope.charts)] : undefined;
}

const scopeKey = (charts?: readonly string[]) => (charts ? [...charts].sort().join('\n') : '');

/**
 * The views a query reads: the tables whose view (or `_runs` for the lineage) its SQL names, and the `<table>_latest`
 * views it names (with their table); all when it names none (a catalog query binds every view).
 */
function tablesNamed(sql: string, tables: readonly string[] = []): string[] | undefined {
  const words = namesIn(sql);
  const named = tables.flatMap((table) => {
    const latest = words.has(`${table}_latest`) ? [`${table}_latest`] : [];
    return words.has(table) || latest.length > 0 || (table === LINEAGE_TABLE && words.has('_runs')) ? [table, ...latest] : [];
  });
  return named.length > 0 ? named : undefined;
}
