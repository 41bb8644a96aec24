-- Trending albums: charting tracks and streams per album in the range (albums are known only for weeks the Web API enriched; none for CSV imports)
-- params: chart VARCHAR, from_week DATE, to_week DATE, artist VARCHAR = NULL, limit INTEGER = 50
-- empty: no albums: these chart weeks were never enriched through the Spotify Web API (CSV imports have no albums); set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET and run chartlake run --week <date> for them
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week,
    CAST(? AS VARCHAR) AS artist, CAST(? AS INTEGER) AS row_limit
),
entries AS (
  SELECT e.chart, e.week, e.rank, e.track_id, s.song_id, e.streams, e.artist_names
  FROM chart_entries AS e
  JOIN songs AS s ON s.track_id = e.track_id
  CROSS JOIN params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
    -- the partition columns: only the chart's files of the range's years are read (here and on Athena)
    AND CAST(e.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
),
album_entries AS (
  SELECT e.*, al.album_id, al.name AS album_name, al.album_type, al.release_date,
    row_number() OVER (PARTITION BY al.album_id ORDER BY e.week DESC, e.rank) AS newest
  FROM entries AS e
  JOIN tracks AS t ON t.track_id = e.track_id AND t.chart = e.chart AND t.week = e.week
  JOIN albums AS al ON al.album_id = t.album_id AND al.chart = t.chart AND al.week = t.week
  CROSS JOIN params AS p
  -- each table's own partitions, not only the chart rows': only the chart's files of the range's years are read
  WHERE t.chart = p.chart AND CAST(t.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
    AND al.chart = p.chart AND CAST(al.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
),
albums AS (
  SELECT
    a.album_id,
    max(CASE WHEN a.newest = 1 THEN a.album_name END) AS album,
    max(CASE WHEN a.newest = 1 THEN a.album_type END) AS album_type,
    max(CASE WHEN a.newest = 1 THEN a.artist_names END) AS artists,
    max(a.release_date) AS release_date,
    count(DISTINCT a.song_id) AS charting_songs,
    count(DISTINCT a.track_id) AS charting_tracks,
    sum(a.streams) AS streams,
    count(DISTINCT a.week) AS weeks_on_chart,
    min(a.rank) AS best_rank
  FROM album_entries AS a
  GROUP BY a.album_id
),
ranked AS (
  SELECT b.*, row_number() OVER (ORDER BY b.streams DESC, b.charting_songs DESC, b.album) AS position
  FROM albums AS b, params AS p
  WHERE p.artist IS NULL OR strpos(lower(', ' || b.artists || ', '), lower(', ' || p.artist || ', ')) > 0
)
SELECT r.album_id, r.album, r.album_type, r.artists, r.release_date, r.charting_songs, r.charting_tracks, r.streams, r.weeks_on_chart, r.best_rank
FROM ranked AS r, params AS p
WHERE r.position <= p.row_limit
ORDER BY r.position
