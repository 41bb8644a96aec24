-- The credited artists of every song of the range (track_artists, one name per artist, "Tyler, The Creator" kept whole).
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
)
SELECT DISTINCT s.song_id, a.artist_name
FROM chart_entries AS e
JOIN songs AS s ON s.track_id = e.track_id
JOIN track_artists AS a ON a.track_id = e.track_id AND a.chart = e.chart AND a.week = e.week
CROSS JOIN params AS p
WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week AND a.artist_name IS NOT NULL
  -- each table's own partitions: only the chart's files of the range's years are read
  AND CAST(e.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week) AND a.chart = p.chart AND CAST(a.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
ORDER BY s.song_id, a.artist_name
