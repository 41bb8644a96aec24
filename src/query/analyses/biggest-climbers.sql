-- Biggest climbers week over week: places gained against the previous week, in the range
-- params: chart VARCHAR, from_week DATE, to_week DATE
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
)
SELECT
  CAST(e.week AS DATE) AS week,
  e.track_id,
  e.track_name,
  e.artist_names,
  e.previous_rank,
  e.rank,
  e.previous_rank - e.rank AS places_gained,
  e.streams
FROM chart_entries AS e, params AS p
WHERE e.chart = p.chart
  AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
  AND e.previous_rank IS NOT NULL
  AND e.previous_rank > e.rank
ORDER BY places_gained DESC, week DESC, e.rank
LIMIT 20
