-- Trending albums: charting tracks and streams per album in the range (albums are known only for weeks the Web API enriched; none for CSV imports)
-- params: chart VARCHAR, from_week DATE, to_week DATE
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
),
entries AS (
  SELECT e.chart, e.week, e.rank, e.track_id, e.streams, e.artist_names
  FROM chart_entries AS e, params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
),
album_entries AS (
  SELECT e.*, al.album_id, al.name AS album_name, al.album_type, al.release_date,
    row_number() OVER (PARTITION BY al.album_id ORDER BY e.week DESC, e.rank) AS newest
  FROM entries AS e
  JOIN tracks AS t ON t.track_id = e.track_id AND t.chart = e.chart AND t.week = e.week
  JOIN albums AS al ON al.album_id = t.album_id AND al.chart = t.chart AND al.week = t.week
)
SELECT
  a.album_id,
  max(CASE WHEN a.newest = 1 THEN a.album_name END) AS album,
  max(CASE WHEN a.newest = 1 THEN a.album_type END) AS album_type,
  max(CASE WHEN a.newest = 1 THEN a.artist_names END) AS artists,
  max(a.release_date) AS release_date,
  count(DISTINCT a.track_id) AS charting_tracks,
  sum(a.streams) AS streams,
  count(DISTINCT a.week) AS weeks_on_chart,
  min(a.rank) AS best_rank
FROM album_entries AS a
GROUP BY a.album_id
ORDER BY streams DESC, charting_tracks DESC, album
LIMIT 50
