-- Labels: streams, share of the chart's streams and charting tracks per label (the chart's `source` column)
-- params: chart VARCHAR, from_week DATE, to_week DATE, limit INTEGER = 50
-- empty: no chart weeks of this chart in the range name a label (check --chart, --from and --to)
-- The label is the chart's own text (e.g. "OVO / Republic Records"); co-releases are not split.
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week,
    CAST(? AS INTEGER) AS row_limit
),
entries AS (
  SELECT e.week, e.rank, e.track_id, s.song_id, e.streams, e.label
  FROM chart_entries AS e
  JOIN songs AS s ON s.track_id = e.track_id
  CROSS JOIN params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
    -- the partition columns: only the chart's files of the range's years are read (here and on Athena)
    AND CAST(e.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
),
total AS (
  SELECT sum(streams) AS streams FROM entries
),
labels AS (
  SELECT
    e.label,
    sum(e.streams) AS streams,
    round(100 * CAST(sum(e.streams) AS DOUBLE) / max(t.streams), 2) AS share_pct,
    count(DISTINCT e.song_id) AS charting_songs,
    count(DISTINCT e.track_id) AS charting_tracks,
    count(*) AS chart_entries,
    sum(CASE WHEN e.rank = 1 THEN 1 ELSE 0 END) AS weeks_at_number_1,
    min(e.rank) AS best_rank
  FROM entries AS e, total AS t
  WHERE e.label IS NOT NULL
  GROUP BY e.label
),
ranked AS (
  SELECT l.*, row_number() OVER (ORDER BY l.streams DESC, l.charting_songs DESC, l.label) AS position FROM labels AS l
)
SELECT r.label, r.streams, r.share_pct, r.charting_songs, r.charting_tracks, r.chart_entries, r.weeks_at_number_1, r.best_rank
FROM ranked AS r, params AS p
WHERE r.position <= p.row_limit
ORDER BY r.position
