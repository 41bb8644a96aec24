-- Who wrote the songs of the range, where MusicBrainz knows (song_credits, by the tracks' ISRCs): one row per song
-- and writer with the writer's roles. Songs without an ISRC or a match have no row: unknown, never guessed.
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
),
song_isrcs AS (
  SELECT DISTINCT s.song_id, t.isrc
  FROM chart_entries AS e
  JOIN songs AS s ON s.track_id = e.track_id
  JOIN tracks AS t ON t.track_id = e.track_id AND t.chart = e.chart AND t.week = e.week
  CROSS JOIN params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week AND t.isrc IS NOT NULL
    -- each table's own partitions: only the chart's files of the range's years are read
    AND CAST(e.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week) AND t.chart = p.chart AND CAST(t.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
)
SELECT i.song_id, c.person_name, string_agg(DISTINCT c.role, ', ' ORDER BY c.role) AS roles
FROM song_isrcs AS i
JOIN song_credits AS c ON c.isrc = i.isrc
GROUP BY i.song_id, c.person_mbid, c.person_name
ORDER BY i.song_id, c.person_name
