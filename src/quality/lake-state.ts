import { DuckDb } from '../query/duckdb';
import { QUARANTINE_PREFIX, RAW_PREFIX, parseRawKey, type ObjectStore, type RawKind } from '../store';
import { readLineage, type CheckFailure, type LineageRecord } from '../transform';

/** One lineage record: a chart week as it is in transformed/, and the raw objects that produced it. */
export type RunRecord = LineageRecord;

export interface QuarantineRecord {
  key: string;
  raw_key: string;
  chart: string;
  week: string;
  refused_at: string;
  failures: CheckFailure[];
}

export interface RawRecord {
  key: string;
  kind: RawKind;
  chart: string;
  week: string;
  size: number;
}

/** What the lake holds about chart weeks: lineage, quarantine reports and raw objects, read through the store. */
export interface LakeState {
  runs: RunRecord[];
  quarantined: QuarantineRecord[];
  raw: RawRecord[];
}

export async function readLakeState(store: ObjectStore, duck?: DuckDb): Promise<LakeState> {
  const [runs, quarantined, raw] = await Promise.all([listRuns(store, duck), listQuarantine(store), listRaw(store)]);
  return { runs, quarantined, raw };
}

/** Every lineage record, sorted by chart then week (read with `duck`, or a DuckDB of its own). */
export async function listRuns(store: ObjectStore, duck?: DuckDb): Promise<RunRecord[]> {
  if (duck) return readLineage(store, duck);
  const own = await DuckDb.open();
  try {
    return await readLineage(store, own);
  } finally {
    own.close();
  }
}

export async function listQuarantine(store: ObjectStore): Promise<QuarantineRecord[]> {
  const out: QuarantineRecord[] = [];
  for (const object of await store.list(QUARANTINE_PREFIX)) {
    const rawKey = object.key.slice(QUARANTINE_PREFIX.length).replace(/\.error\.json$/, '');
    const parts = parseRawKey(rawKey);
    if (!parts) continue;
    let report: { refused_at?: string; failures?: CheckFailure[] } = {};
    try {
      report = JSON.parse((await store.get(object.key))?.toString('utf8') ?? '{}');
    } catch {
      report = { failures: [{ check: 'report_unreadable', detail: `${object.key} is not JSON` }] };
    }
    out.push({ key: object.key, raw_key: rawKey, chart: parts.chart, week: parts.week, refused_at: report.refused_at ?? '', failures: report.failures ?? [] });
  }
  return out.sort((a, b) => a.chart.localeCompare(b.chart) || a.week.localeCompare(b.week));
}

export async function listRaw(store: ObjectStore): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for (const object of await store.list(RAW_PREFIX)) {
    const parts = parseRawKey(object.key);
    if (parts) out.push({ key: object.key, kind: parts.kind, chart: parts.chart, week: parts.week, size: object.size });
  }
  return out;
}
