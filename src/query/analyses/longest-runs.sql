-- Longest runs: songs by their longest unbroken run of consecutive chart weeks within the range
-- params: chart VARCHAR, from_week DATE, to_week DATE
-- Gaps and islands: a run is a set of weeks whose chart-week number minus the song's own row number is constant.
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
),
entries AS (
  SELECT e.track_id, e.track_name, e.artist_names, e.rank, e.weeks_on_chart, CAST(e.week AS DATE) AS week_date
  FROM chart_entries AS e, params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
),
chart_weeks AS (
  SELECT week_date, row_number() OVER (ORDER BY week_date) AS week_number
  FROM (SELECT DISTINCT week_date FROM entries) AS w
),
numbered AS (
  SELECT
    e.*,
    w.week_number - row_number() OVER (PARTITION BY e.track_id ORDER BY e.week_date) AS island
  FROM entries AS e
  JOIN chart_weeks AS w ON w.week_date = e.week_date
),
runs AS (
  SELECT track_id, island, count(*) AS run_weeks, min(week_date) AS run_start, max(week_date) AS run_end, min(rank) AS best_rank
  FROM numbered
  GROUP BY track_id, island
),
ranked AS (
  SELECT r.*, row_number() OVER (PARTITION BY r.track_id ORDER BY r.run_weeks DESC, r.run_end DESC) AS pick
  FROM runs AS r
),
latest AS (
  SELECT track_id, track_name, artist_names, weeks_on_chart,
    row_number() OVER (PARTITION BY track_id ORDER BY week_date DESC) AS newest
  FROM entries
)
SELECT
  l.track_id,
  l.track_name,
  l.artist_names,
  r.run_weeks AS longest_run_weeks,
  r.run_start,
  r.run_end,
  r.best_rank,
  l.weeks_on_chart AS weeks_on_chart_total
FROM ranked AS r
JOIN latest AS l ON l.track_id = r.track_id AND l.newest = 1
WHERE r.pick = 1
ORDER BY longest_run_weeks DESC, r.best_rank, l.track_id
LIMIT 50
