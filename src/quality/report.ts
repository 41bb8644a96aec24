import type { ObjectStore } from '../store';
import type { CheckFailure, WeekWarning } from '../transform';
import { readLakeState, type LakeState, type RunRecord } from './lake-state';
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

/** A committed week that is imperfect but real: kept, with what is odd about it (from its lineage row). */
export interface WarnedWeek {
  chart: string;
  week: string;
  raw_keys: string[];
  checks: string[];
  warnings: WeekWarning[];
}

/** A week whose chart is shallower than a neighbouring week's (e.g. 50 entries among 200s), and how to deepen it. */
export interface ShallowWeek {
  chart: string;
  week: string;
  depth: number;
  /** The depth of the deeper neighbour (the week before or after in the lake). */
  neighbour_depth: number;
  deepen: string;
}

/** Raw objects of one week that disagree on a rank or a stream count (a `sources_disagree` warning). */
export interface Disagreement {
  chart: string;
  week: string;
  /** The raw object whose chart rows were kept (see the rule in the README, "What happens when things go wrong"). */
  kept: string;
  detail: string;
}

export interface QualityReport {
  /** Per chart: first and last week the lake has anything for. */
  charts: { chart: string; first_week: string; last_week: string; weeks_with_data: number }[];
  quarantined: QuarantinedWeek[];
  /** Weeks inside each chart's span with no data (quarantined weeks are listed above, not here). */
  missing: Gap[];
  /** Committed weeks with warnings: kept, never a reason to fail. */
  warned: WarnedWeek[];
  shallow: ShallowWeek[];
  disagreements: Disagreement[];
  /** True when nothing is quarantined (unresolved) or missing; warnings and shallow weeks do not count. */
  ok: boolean;
}

const SOURCES_DISAGREE = 'sources_disagree';

/**
 * A 50-entry week comes from the public charts service (no token); the week's 200 entries come from a charts
 * token or the week's CSV export, and adding either rebuilds the week from all its raw objects, the deepest kept.
 */
function howToDeepen(chart: string, week: string): string {
  return (
    `set CHARTLAKE_CHARTS_TOKEN (a logged-in charts.spotify.com session) and chartlake run --chart ${chart} --week ${week} --force, ` +
    `or download ${chart}-${week}.csv from charts.spotify.com and chartlake import it`
  );
}

/** Weeks shallower than the week before or after them in the lake (same chart). */
function shallowWeeks(chart: string, runs: readonly RunRecord[]): ShallowWeek[] {
  const out: ShallowWeek[] = [];
  runs.forEach((run, index) => {
    const neighbour = Math.max(runs[index - 1]?.depth ?? 0, runs[index + 1]?.depth ?? 0);
    if (run.depth < neighbour) out.push({ chart, week: run.week, depth: run.depth, neighbour_depth: neighbour, deepen: howToDeepen(chart, run.week) });
  });
  return out;
}

/**
 * Quarantined and missing weeks of every chart in the lake, and apart from them what is kept but imperfect: weeks
 * with warnings, shallow weeks, sources that disagree. A chart's span is its first to its last week with anything
 * in the lake, unless `from` / `to` say otherwise.
 */
export async function qualityReport(store: ObjectStore, options: { from?: string; to?: string; charts?: string[] } = {}): Promise<QualityReport> {
  const lake = await readLakeState(store);
  const charts = options.charts?.length ? options.charts : knownCharts(lake);
  const report: QualityReport = { charts: [], quarantined: [], missing: [], warned: [], shallow: [], disagreements: [], ok: true };
  for (const chart of charts) {
    const weeks = [...lake.runs, ...lake.raw, ...lake.quarantined].filter((item) => item.chart === chart).map((item) => item.week).sort();
    if (weeks.length === 0 && !(options.from && options.to)) continue;
    const from = options.from ?? weeks[0];
    const to = options.to ?? weeks[weeks.length - 1];
    const chartRuns = lake.runs.filter((run) => run.chart === chart);
    const runs = new Map(chartRuns.map((run) => [run.week, run]));
    const inRange = chartRuns.filter((run) => run.week >= from && run.week <= to);
    for (const run of inRange.filter((r) => r.warnings.length > 0)) {
      report.warned.push({ chart, week: run.week, raw_keys: run.rawKeys, checks: [...new Set(run.warnings.map((w) => w.check))], warnings: run.warnings });
      for (const warning of run.warnings.filter((w) => w.check === SOURCES_DISAGREE)) {
        report.disagreements.push({ chart, week: run.week, kept: run.sourceKey, detail: warning.detail });
      }
    }
    report.shallow.push(...shallowWeeks(chart, chartRuns).filter((week) => week.week >= from && week.week <= to));
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
