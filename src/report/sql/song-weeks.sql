-- Every song of the range, week by week: a song counts across its track ids (songs.song_id), one row per song and
-- week with its best rank and its streams (a song never has two ids in one chart week; min/sum make sure of it).
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
)
SELECT
  s.song_id, any_value(s.song_name) AS song_name, any_value(s.artist_names) AS artist_names,
  CAST(CAST(e.week AS DATE) AS VARCHAR) AS week, CAST(min(e.rank) AS INTEGER) AS rank,
  CAST(sum(e.streams) AS DOUBLE) AS streams, string_agg(DISTINCT e.track_id, ', ') AS track_ids
FROM chart_entries AS e
JOIN songs AS s ON s.track_id = e.track_id
CROSS JOIN params AS p
WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
    AND CAST(e.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
GROUP BY s.song_id, CAST(e.week AS DATE)
ORDER BY s.song_id, CAST(e.week AS DATE)
