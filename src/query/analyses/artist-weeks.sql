-- Popular artists week by week: each week's ten most streamed artists, their streams, share of the week's streams and charting tracks
-- params: chart VARCHAR, from_week DATE, to_week DATE, artist VARCHAR = NULL, limit INTEGER = 10
-- empty: no chart weeks of this chart in the range credit that artist in its top artists (check --chart, --from, --to and --artist)
-- Every credited artist of a collaboration gets the song's full streams (shares can add up to more than 100 %).
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week,
    CAST(? AS VARCHAR) AS artist, CAST(? AS INTEGER) AS row_limit
),
entries AS (
  SELECT e.chart, e.week, e.rank, e.track_id, s.song_id, e.streams
  FROM chart_entries AS e
  JOIN songs AS s ON s.track_id = e.track_id
  CROSS JOIN params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
    -- the partition columns: only the chart's files of the range's years are read (here and on Athena)
    AND CAST(e.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
),
week_totals AS (
  SELECT week, sum(streams) AS streams FROM entries GROUP BY week
),
credits AS (
  SELECT DISTINCT e.week, e.rank, e.track_id, e.song_id, e.streams, a.artist_name
  FROM entries AS e
  JOIN track_artists AS a ON a.track_id = e.track_id AND a.chart = e.chart AND a.week = e.week
  CROSS JOIN params AS p
  -- each table's own partitions, not only the chart rows': only the chart's files of the range's years are read
  WHERE a.artist_name IS NOT NULL AND a.chart = p.chart AND CAST(a.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
),
artist_weeks AS (
  SELECT
    c.week,
    c.artist_name,
    sum(c.streams) AS streams,
    count(DISTINCT c.song_id) AS charting_songs,
    min(c.rank) AS best_rank
  FROM credits AS c
  GROUP BY c.week, c.artist_name
),
ranked AS (
  SELECT a.*, row_number() OVER (PARTITION BY a.week ORDER BY a.streams DESC, a.artist_name) AS artist_rank
  FROM artist_weeks AS a
)
SELECT
  CAST(r.week AS DATE) AS week,
  r.artist_rank,
  r.artist_name,
  r.streams,
  round(100 * CAST(r.streams AS DOUBLE) / t.streams, 2) AS share_pct,
  r.charting_songs,
  r.best_rank
FROM ranked AS r
JOIN week_totals AS t ON t.week = r.week
CROSS JOIN params AS p
WHERE r.artist_rank <= p.row_limit AND (p.artist IS NULL OR lower(r.artist_name) = lower(p.artist))
ORDER BY week, r.artist_rank
