-- The weekly ranks, over the range, of the songs in the top 10 of its last week: a song's history spans its track ids.
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
),
entries AS (
  SELECT e.*, s.song_id, CAST(e.week AS DATE) AS week_date
  FROM chart_entries AS e
  JOIN songs AS s ON s.track_id = e.track_id
  CROSS JOIN params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
    AND CAST(e.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
),
current_top AS (
  SELECT song_id, rank AS current_rank, track_name
  FROM entries
  WHERE week_date = (SELECT max(week_date) FROM entries) AND rank <= 10
)
SELECT CAST(e.week_date AS VARCHAR) AS week, c.current_rank, c.track_name, e.rank
FROM entries AS e
JOIN current_top AS c ON c.song_id = e.song_id
ORDER BY c.current_rank, e.week_date
