-- The weekly ranks, over the range, of the songs in the top 10 of its last week.
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
),
entries AS (
  SELECT e.*, CAST(e.week AS DATE) AS week_date
  FROM chart_entries AS e, params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
),
current_top AS (
  SELECT track_id, rank AS current_rank, track_name
  FROM entries
  WHERE week_date = (SELECT max(week_date) FROM entries) AND rank <= 10
)
SELECT CAST(e.week_date AS VARCHAR) AS week, c.current_rank, c.track_name, e.rank
FROM entries AS e
JOIN current_top AS c ON c.track_id = e.track_id
ORDER BY c.current_rank, e.week_date
