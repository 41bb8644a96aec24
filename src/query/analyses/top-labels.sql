-- Labels: streams, share of the chart's streams and charting tracks per label (the chart's `source` column)
-- params: chart VARCHAR, from_week DATE, to_week DATE
-- The label is the chart's own text (e.g. "OVO / Republic Records"); co-releases are not split.
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
),
entries AS (
  SELECT e.week, e.rank, e.track_id, e.streams, e.label
  FROM chart_entries AS e, params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
),
total AS (
  SELECT sum(streams) AS streams FROM entries
)
SELECT
  e.label,
  sum(e.streams) AS streams,
  round(100 * CAST(sum(e.streams) AS DOUBLE) / max(t.streams), 2) AS share_pct,
  count(DISTINCT e.track_id) AS charting_tracks,
  count(*) AS chart_entries,
  sum(CASE WHEN e.rank = 1 THEN 1 ELSE 0 END) AS weeks_at_number_1,
  min(e.rank) AS best_rank
FROM entries AS e, total AS t
WHERE e.label IS NOT NULL
GROUP BY e.label
ORDER BY streams DESC, charting_tracks DESC, e.label
LIMIT 50
