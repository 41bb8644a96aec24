-- Most streamed songs in the range: total streams, weeks on the chart, best rank, weeks at number 1
-- params: chart VARCHAR, from_week DATE, to_week DATE
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
),
entries AS (
  SELECT e.*, CAST(e.week AS DATE) AS week_date,
    row_number() OVER (PARTITION BY e.track_id ORDER BY e.week DESC) AS newest
  FROM chart_entries AS e, params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
)
SELECT
  e.track_id,
  max(CASE WHEN e.newest = 1 THEN e.track_name END) AS track_name,
  max(CASE WHEN e.newest = 1 THEN e.artist_names END) AS artist_names,
  sum(e.streams) AS streams,
  count(*) AS weeks_in_range,
  min(e.rank) AS best_rank,
  sum(CASE WHEN e.rank = 1 THEN 1 ELSE 0 END) AS weeks_at_number_1
FROM entries AS e
GROUP BY e.track_id
ORDER BY streams DESC, e.track_id
LIMIT 50
