-- The top 10 of the last week of the range, with movement against the week before
-- params: chart VARCHAR, from_week DATE, to_week DATE
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
),
last_week AS (
  SELECT max(CAST(e.week AS DATE)) AS week
  FROM chart_entries AS e, params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
    -- the partition columns: only the chart's files of the range's years are read (here and on Athena)
    AND CAST(e.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
)
SELECT
  e.rank,
  s.song_id,
  e.track_id,
  e.track_name,
  e.artist_names,
  e.streams,
  e.previous_rank,
  CASE WHEN e.previous_rank IS NULL THEN NULL ELSE e.previous_rank - e.rank END AS movement,
  e.weeks_on_chart,
  e.entry_status
FROM chart_entries AS e
JOIN songs AS s ON s.track_id = e.track_id
CROSS JOIN params AS p
CROSS JOIN last_week AS l
WHERE e.chart = p.chart AND CAST(e.week AS DATE) = l.week AND e.rank <= 10
  AND CAST(e.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
ORDER BY e.rank
