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
] as const;

const or0 = (value: number | null | undefined): number => (value === null || value === undefined || !Number.isFinite(value) ? 0 : value);

const hinge = (value: number, knot: number): number => Math.max(0, value - knot);

export function featureVector(row: FeatureRow): number[] {
  const hasStreams = row.streams !== null && row.cutoff_margin !== null ? 1 : 0;
  const margin = or0(row.cutoff_margin);
  const releaseKnown = row.days_since_release !== null ? 1 : 0;
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
  ];
}
