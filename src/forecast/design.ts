import { targetWeekOf } from './dataset';
import type { FeatureRow } from './features';

/**
 * The model's inputs, built from one features.sql row. A missing value (no streams, no release date, a lag the
 * song was off the chart for) becomes 0 with an indicator beside it, so the model learns what "unknown" means
 * rather than guessing a value. Hinges (piecewise-linear terms with knots at ranks 10, 50 and 150 of 200, and
 * just above the cut-off's streams) let the linear models bend where the chart's edges make the relation curve,
 * while staying linear, hence monotone and sane, beyond the data's range (squares were tried first and made a
 * rank-1 song look likely to drop out: a parabola turns around at the edge).
 */
export const FEATURE_NAMES = [
  'log_rank_share', 'rank_past_10', 'rank_past_50', 'rank_past_150', 'log_rank_share_avg4', 'cutoff_margin',
  'near_cutoff', 'top_gap',
  'has_streams', 'momentum_1', 'momentum_4', 'rank_climb_1', 'on_chart_1', 'on_chart_2', 'on_chart_3', 'on_chart_4',
  'log_weeks_on_chart', 'log_peak_share', 'new_entry', 're_entry', 'log_artist_other_songs', 'release_known',
  'log_days_since_release',
  // A year earlier (sql/features.sql's ya_* columns) and the calendar: see yearAgoFeatures and calendarFeatures.
  'ya_known', 'ya_on_then', 'ya_on_after', 'ya_log_rank_share', 'ya_move', 'ya_exit', 'ya_entry',
  'christmas_target', 'christmas_change',
] as const;

/** The year-ago features' positions in the vector: the ones `seasonal` asks about. */
export const YEAR_AGO_FEATURES = FEATURE_NAMES.flatMap((name, index) => (name.startsWith('ya_') ? [index] : []));

/** The farthest horizon the year-ago move is known for (features.sql keeps ya_rank_0 .. ya_rank_4). */
export const YEAR_AGO_MAX_HORIZON = 4;

const or0 = (value: number | null | undefined): number => (value === null || value === undefined || !Number.isFinite(value) ? 0 : value);

const hinge = (value: number, knot: number): number => Math.max(0, value - knot);

const NO_YEAR_AGO: readonly number[] = YEAR_AGO_FEATURES.map(() => 0);

/**
 * What the song did a year earlier over the same stretch of the calendar: its position 52 weeks before the origin
 * and its log rank change from there to `horizon` weeks later (a week off the chart counts as one place below it),
 * with exit/entry flags. All zero when the lake does not reach back a year (`ya_known` = 0) or the horizon is past
 * YEAR_AGO_MAX_HORIZON, so a one-year lake learns nothing from them rather than something wrong.
 */
function yearAgoFeatures(row: FeatureRow, horizon: number): readonly number[] {
  const then = { rank: row.ya_rank_0, known: row.ya_known_0 };
  const after = horizon >= 1 && horizon <= YEAR_AGO_MAX_HORIZON
    ? { rank: [row.ya_rank_1, row.ya_rank_2, row.ya_rank_3, row.ya_rank_4][horizon - 1], known: [row.ya_known_1, row.ya_known_2, row.ya_known_3, row.ya_known_4][horizon - 1] }
    : { rank: null, known: false };
  if (!then.known || !after.known) return NO_YEAR_AGO;
  const offChart = row.chart_size + 1;
  const onThen = then.rank !== null ? 1 : 0;
  const onAfter = after.rank !== null ? 1 : 0;
  const move = onThen || onAfter ? Math.log(after.rank ?? offChart) - Math.log(then.rank ?? offChart) : 0;
  return [1, onThen, onAfter, Math.log((then.rank ?? offChart) / row.chart_size), move, onThen && !onAfter ? 1 : 0, !onThen && onAfter ? 1 : 0];
}

/** Closeness of a day to Christmas: 1 on 25 December, falling linearly to 0 five weeks either side. */
export function christmasProximity(day: string): number {
  const date = new Date(`${day}T00:00:00Z`);
  const year = date.getUTCFullYear();
  const distance = Math.min(...[year - 1, year, year + 1].map((y) => Math.abs(date.getTime() - Date.UTC(y, 11, 25)) / 86_400_000));
  return Math.max(0, 1 - distance / 35);
}

/**
 * The calendar: how close the predicted week is to Christmas, and how much closer than the origin week. Only when
 * the model's training examples include a Christmas season of an earlier year (see `knowsChristmas`): otherwise the
 * weeks near Christmas appear in training only at its very end, and a feature the model has barely seen is
 * extrapolated wildly (tried on the one-year US 2023 lake, it took the top-10 Brier at h = 2 from 0.0173 to 0.0296).
 */
function calendarFeatures(row: FeatureRow, horizon: number, calendar: boolean): number[] {
  if (!calendar) return [0, 0];
  const target = christmasProximity(targetWeekOf(row.week, horizon));
  return [target, target - christmasProximity(row.week)];
}

/** Whether training target weeks (sorted) include the weeks before a Christmas at least 300 days before the last one. */
export function knowsChristmas(targetWeeks: readonly string[]): boolean {
  if (targetWeeks.length === 0) return false;
  const last = Date.parse(`${targetWeeks[targetWeeks.length - 1]}T00:00:00Z`);
  return targetWeeks.some((week) => week.slice(5, 7) === '12' && christmasProximity(week) >= 0.5 && last - Date.parse(`${week}T00:00:00Z`) >= 300 * 86_400_000);
}

/**
 * The model's inputs for a `horizon`-week forecast from one features.sql row. `yearAgo: false` blanks the year-ago
 * features as a lake without last year would (how `seasonal` measures what they contributed); `calendar` is the
 * model's (fitted with the calendar or not).
 */
export function featureVector(row: FeatureRow, horizon: number, options: { yearAgo?: boolean; calendar?: boolean } = {}): number[] {
  const hasStreams = row.streams !== null && row.cutoff_margin !== null ? 1 : 0;
  const margin = or0(row.cutoff_margin);
  const releaseKnown = row.days_since_release !== null ? 1 : 0;
  const yearAgo = yearAgoFeatures(row, horizon);
  return [
    row.log_rank_share,
    hinge(row.log_rank_share, Math.log(10 / 200)),
    hinge(row.log_rank_share, Math.log(50 / 200)),
    hinge(row.log_rank_share, Math.log(150 / 200)),
    row.log_rank_share_avg4,
    margin,
    hasStreams ? Math.max(0, 0.25 - margin) : 0,
    or0(row.top_gap),
    hasStreams,
    or0(row.momentum_1),
    or0(row.momentum_4),
    or0(row.rank_climb_1),
    row.rank_1 !== null ? 1 : 0,
    row.rank_2 !== null ? 1 : 0,
    row.rank_3 !== null ? 1 : 0,
    row.rank_4 !== null ? 1 : 0,
    Math.log1p(or0(row.weeks_on_chart)),
    Math.log(Math.max(1, row.peak_rank ?? row.rank) / row.chart_size),
    row.entry_status === 'NEW_ENTRY' ? 1 : 0,
    row.entry_status === 'RE_ENTRY' ? 1 : 0,
    Math.log1p(row.artist_other_songs),
    releaseKnown,
    releaseKnown ? Math.log1p(Math.max(0, or0(row.days_since_release))) : 0,
    ...(options.yearAgo === false ? NO_YEAR_AGO : yearAgo),
    ...calendarFeatures(row, horizon, options.calendar ?? false),
  ];
}
