import type { ObjectStore } from '../store';
import type { CheckFailure } from '../transform';
import { readLakeState, type LakeState } from './lake-state';
import { chartWeeksBetween } from './weeks';

/** Why a chart week has no data in transformed/. */
export type GapReason =
  /** Nothing in the lake for the week. */
  | 'no_data'
  /** A raw object is there but was refused (see its quarantine report). */
  | 'quarantined'
  /** A raw object is there but was never transformed (a run stopped between extract and transform). */
  | 'not_transformed';

export interface Gap {
  chart: string;
  week: string;
  reason: GapReason;
  raw_key?: string;
  failures?: CheckFailure[];
  /** How to fill the week. */
  fill: string;
}

/**
 * A week with no data at all was usually missed by the extract: the public charts service serves only the latest
 * week, so once a newer one is out the missed week can only come from a CSV export or a charts token.
 */
function howToFill(chart: string, week: string, reason: GapReason, rawKey?: string): string {
  if (reason === 'quarantined') return `fix or replace the refused raw object ${rawKey} (its report is in quarantine/), then import it again`;
  if (reason === 'not_transformed') return `chartlake run --catch-up transforms ${rawKey}`;
  return (
    `the public charts serve only the latest week: download ${chart}-${week}.csv from charts.spotify.com and ` +
    `chartlake import it, or chartlake run --chart ${chart} --week ${week} with a fresh charts token`
  );
}

export interface GapOptions {
  from: string;
  to: string;
  /** Charts to look at; default every chart the lake knows. */
  charts?: string[];
}

/** Chart weeks (Thursdays) from `from` to `to` with no transformed data, in chart then week order. */
export async function findGaps(store: ObjectStore, options: GapOptions, state?: LakeState): Promise<Gap[]> {
  const lake = state ?? (await readLakeState(store));
  const weeks = chartWeeksBetween(options.from, options.to);
  const charts = options.charts?.length ? options.charts : knownCharts(lake);
  const gaps: Gap[] = [];
  for (const chart of charts) {
    const done = new Set(lake.runs.filter((run) => run.chart === chart).map((run) => run.week));
    for (const week of weeks) {
      if (done.has(week)) continue;
      const refused = lake.quarantined.filter((q) => q.chart === chart && q.week === week);
      const raw = lake.raw.filter((r) => r.chart === chart && r.week === week);
      if (refused.length > 0) {
        const last = refused[refused.length - 1];
        gaps.push({ chart, week, reason: 'quarantined', raw_key: last.raw_key, failures: last.failures, fill: howToFill(chart, week, 'quarantined', last.raw_key) });
      } else if (raw.length > 0) {
        gaps.push({ chart, week, reason: 'not_transformed', raw_key: raw[raw.length - 1].key, fill: howToFill(chart, week, 'not_transformed', raw[raw.length - 1].key) });
      } else {
        gaps.push({ chart, week, reason: 'no_data', fill: howToFill(chart, week, 'no_data') });
      }
    }
  }
  return gaps;
}

export interface QuarantinedWeek {
  chart: string;
  week: string;
  raw_key: string;
  refused_at: string;
  checks: string[];
  failures: CheckFailure[];
  /** The week has data all the same, from another raw object (e.g. a later extract); nothing is missing. */
  superseded_by?: string;
}

export interface QualityReport {
  /** Per chart: first and last week the lake has anything for. */
  charts: { chart: string; first_week: string; last_week: string; weeks_with_data: number }[];
  quarantined: QuarantinedWeek[];
  /** Weeks inside each chart's span with no data (quarantined weeks are listed above, not here). */
  missing: Gap[];
  /** True when nothing is quarantined (unresolved) or missing. */
  ok: boolean;
}

/**
 * Quarantined and missing weeks of every chart in the lake. A chart's span is its first to its last week with
 * anything in the lake, unless `from` / `to` say otherwise.
 */
export async function qualityReport(store: ObjectStore, options: { from?: string; to?: string; charts?: string[] } = {}): Promise<QualityReport> {
  const lake = await readLakeState(store);
  const charts = options.charts?.length ? options.charts : knownCharts(lake);
  const report: QualityReport = { charts: [], quarantined: [], missing: [], ok: true };
  for (const chart of charts) {
    const weeks = [...lake.runs, ...lake.raw, ...lake.quarantined].filter((item) => item.chart === chart).map((item) => item.week).sort();
    if (weeks.length === 0 && !(options.from && options.to)) continue;
    const from = options.from ?? weeks[0];
    const to = options.to ?? weeks[weeks.length - 1];
    const runs = new Map(lake.runs.filter((run) => run.chart === chart).map((run) => [run.week, run]));
    report.charts.push({ chart, first_week: from, last_week: to, weeks_with_data: [...runs.keys()].filter((w) => w >= from && w <= to).length });
    for (const q of lake.quarantined.filter((item) => item.chart === chart && item.week >= from && item.week <= to)) {
      const run = runs.get(q.week);
      report.quarantined.push({
        chart,
        week: q.week,
        raw_key: q.raw_key,
        refused_at: q.refused_at,
        checks: [...new Set(q.failures.map((failure) => failure.check))],
        failures: q.failures,
        ...(run ? { superseded_by: run.sourceKey } : {}),
      });
    }
    const gaps = await findGaps(store, { from, to, charts: [chart] }, lake);
    report.missing.push(...gaps.filter((gap) => gap.reason !== 'quarantined'));
  }
  report.ok = report.missing.length === 0 && report.quarantined.every((q) => q.superseded_by !== undefined);
  return report;
}

function knownCharts(lake: LakeState): string[] {
  return [...new Set([...lake.runs, ...lake.raw, ...lake.quarantined].map((item) => item.chart))].sort();
}
