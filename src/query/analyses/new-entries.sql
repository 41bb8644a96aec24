-- New entries: songs whose first week on the chart falls in the range, by debut rank, with how far they went
-- params: chart VARCHAR, from_week DATE, to_week DATE
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
),
entries AS (
  SELECT e.*, CAST(e.week AS DATE) AS week_date
  FROM chart_entries AS e, params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
),
debuts AS (
  SELECT track_id, week_date AS debut_week, rank AS debut_rank, track_name, artist_names
  FROM entries
  WHERE entry_status = 'NEW_ENTRY'
)
SELECT
  d.debut_week,
  d.track_id,
  d.track_name,
  d.artist_names,
  d.debut_rank,
  min(e.rank) AS best_rank_in_range,
  count(*) AS weeks_in_range,
  sum(e.streams) AS streams_in_range
FROM debuts AS d
JOIN entries AS e ON e.track_id = d.track_id AND e.week_date >= d.debut_week
GROUP BY d.debut_week, d.track_id, d.track_name, d.artist_names, d.debut_rank
ORDER BY d.debut_rank, d.debut_week DESC, d.track_id
LIMIT 50
