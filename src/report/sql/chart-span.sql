-- The weeks of one chart within the range, and how many songs (not track ids) charted in it.
SELECT CAST(min(CAST(e.week AS DATE)) AS VARCHAR) AS first_week, CAST(max(CAST(e.week AS DATE)) AS VARCHAR) AS last_week,
  count(DISTINCT e.week) AS weeks, count(DISTINCT s.song_id) AS songs, sum(e.streams) AS streams
FROM chart_entries AS e
JOIN songs AS s ON s.track_id = e.track_id
WHERE e.chart = ? AND CAST(e.week AS DATE) BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
