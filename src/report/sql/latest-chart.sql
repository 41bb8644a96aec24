-- The top 20 of the last week of the range, with the movement against the week before.
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
),
last_week AS (
  SELECT max(CAST(e.week AS DATE)) AS week
  FROM chart_entries AS e, params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
    AND CAST(e.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
)
SELECT
  CAST(l.week AS VARCHAR) AS week, e.rank, s.song_id, e.track_id, e.track_name, e.artist_names, e.streams, e.previous_rank,
  e.peak_rank, e.weeks_on_chart, e.entry_status
FROM chart_entries AS e
JOIN songs AS s ON s.track_id = e.track_id
CROSS JOIN params AS p
CROSS JOIN last_week AS l
WHERE e.chart = p.chart AND CAST(e.week AS DATE) = l.week AND e.rank <= 20
  AND CAST(e.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
ORDER BY e.rank
