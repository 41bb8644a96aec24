-- Popular artists: streams, share of the chart's streams, charting tracks and weeks at number 1, crediting every artist of a collaboration
-- params: chart VARCHAR, from_week DATE, to_week DATE, artist VARCHAR = NULL, limit INTEGER = 50
-- empty: no chart weeks of this chart in the range credit that artist (check --chart, --from, --to and --artist)
-- Each credited artist of a song gets the song's full streams, so shares add up to more than 100 %.
-- Artists are grouped by name: on CSV imports track_artists has names only (artist_id is NULL).
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
credits AS (
  SELECT DISTINCT e.week, e.rank, e.track_id, e.song_id, e.streams, a.artist_name
  FROM entries AS e
  JOIN track_artists AS a ON a.track_id = e.track_id AND a.chart = e.chart AND a.week = e.week
  CROSS JOIN params AS p
  -- each table's own partitions, not only the chart rows': only the chart's files of the range's years are read
  WHERE a.artist_name IS NOT NULL AND a.chart = p.chart AND CAST(a.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
),
total AS (
  SELECT sum(streams) AS streams FROM entries
),
artists AS (
  SELECT
    c.artist_name,
    sum(c.streams) AS streams,
    round(100 * CAST(sum(c.streams) AS DOUBLE) / max(t.streams), 2) AS share_pct,
    count(DISTINCT c.song_id) AS charting_songs,
    count(DISTINCT c.track_id) AS charting_tracks,
    count(DISTINCT c.week) AS weeks_on_chart,
    count(DISTINCT CASE WHEN c.rank = 1 THEN c.week END) AS weeks_at_number_1,
    min(c.rank) AS best_rank
  FROM credits AS c, total AS t
  GROUP BY c.artist_name
),
ranked AS (
  SELECT a.*, row_number() OVER (ORDER BY a.streams DESC, a.charting_songs DESC, a.artist_name) AS position FROM artists AS a
)
SELECT r.artist_name, r.streams, r.share_pct, r.charting_songs, r.charting_tracks, r.weeks_on_chart, r.weeks_at_number_1, r.best_rank
FROM ranked AS r, params AS p
WHERE r.position <= p.row_limit AND (p.artist IS NULL OR lower(r.artist_name) = lower(p.artist))
ORDER BY r.position
