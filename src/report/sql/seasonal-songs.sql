-- The songs of the newest forecast that were on the chart 52 weeks before the predicted week: their prediction
-- follows a seasonal song (Christmas songs), which the report says next to it.
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS target_week
)
SELECT DISTINCT s.song_id
FROM chart_entries AS e
JOIN songs AS s ON s.track_id = e.track_id
CROSS JOIN params AS p
WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.target_week - INTERVAL 53 WEEK AND p.target_week - INTERVAL 51 WEEK
