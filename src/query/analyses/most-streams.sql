-- Most streamed songs in the range: total streams over all the song's track ids, weeks on the chart, best rank, weeks at number 1
-- params: chart VARCHAR, from_week DATE, to_week DATE, artist VARCHAR = NULL, song VARCHAR = NULL, limit INTEGER = 50
-- empty: no chart weeks of this chart in the range match (check --chart, --from, --to, --artist and --song)
-- A song is its song_id (see the songs table): its ids' rows count together; track_ids lists them.
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week,
    CAST(? AS VARCHAR) AS artist, CAST(? AS VARCHAR) AS song, CAST(? AS INTEGER) AS row_limit
),
entries AS (
  SELECT e.track_id, e.rank, e.streams, CAST(e.week AS DATE) AS week_date, s.song_id, s.song_name, s.artist_names
  FROM chart_entries AS e
  JOIN songs AS s ON s.track_id = e.track_id
  CROSS JOIN params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
    -- the partition columns: only the chart's files of the range's years are read (here and on Athena)
    AND CAST(e.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
    AND (p.artist IS NULL OR strpos(lower(', ' || s.artist_names || ', '), lower(', ' || p.artist || ', ')) > 0)
    AND (p.song IS NULL OR lower(s.song_name) = lower(p.song) OR s.song_id = p.song)
),
song_totals AS (
  SELECT
    song_id,
    max(song_name) AS song_name,
    max(artist_names) AS artist_names,
    sum(streams) AS streams,
    count(DISTINCT week_date) AS weeks_in_range,
    min(rank) AS best_rank,
    count(DISTINCT CASE WHEN rank = 1 THEN week_date END) AS weeks_at_number_1,
    array_agg(DISTINCT track_id ORDER BY track_id) AS track_ids
  FROM entries
  GROUP BY song_id
),
ranked AS (
  SELECT t.*, row_number() OVER (ORDER BY t.streams DESC, t.song_id) AS position FROM song_totals AS t
)
SELECT r.song_id, r.song_name, r.artist_names, r.streams, r.weeks_in_range, r.best_rank, r.weeks_at_number_1, r.track_ids
FROM ranked AS r, params AS p
WHERE r.position <= p.row_limit
ORDER BY r.position
