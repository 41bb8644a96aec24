-- Trending albums: charting tracks and streams per album in the range (albums are known where the Web API enriched the week)
-- params: chart VARCHAR, from_week DATE, to_week DATE
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
),
entries AS (
  SELECT e.*
  FROM chart_entries AS e, params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
)
SELECT
  al.name AS album,
  al.album_type,
  min(e.artist_names) AS artists,
  count(DISTINCT e.track_id) AS charting_tracks,
  sum(e.streams) AS streams,
  min(e.rank) AS best_rank
FROM entries AS e
JOIN tracks AS t ON t.track_id = e.track_id AND t.chart = e.chart AND t.week = e.week
JOIN albums AS al ON al.album_id = t.album_id AND al.chart = t.chart AND al.week = t.week
GROUP BY al.album_id, al.name, al.album_type
ORDER BY streams DESC, charting_tracks DESC, album
LIMIT 20
