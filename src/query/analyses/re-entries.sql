-- Re-entries: songs back on the chart after dropping off, in the range, by rank on return
-- params: chart VARCHAR, from_week DATE, to_week DATE
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
)
SELECT
  CAST(e.week AS DATE) AS week,
  e.track_id,
  e.track_name,
  e.artist_names,
  e.rank,
  e.peak_rank,
  e.weeks_on_chart,
  e.streams
FROM chart_entries AS e, params AS p
WHERE e.chart = p.chart
  AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
  AND e.entry_status = 'RE_ENTRY'
ORDER BY e.rank, week DESC, e.track_id
LIMIT 50
