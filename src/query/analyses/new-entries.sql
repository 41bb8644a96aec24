-- New entries: songs whose first week on the chart falls in the range, by debut rank, with how far they went (over all their track ids)
-- params: chart VARCHAR, from_week DATE, to_week DATE, artist VARCHAR = NULL, song VARCHAR = NULL, limit INTEGER = 50
-- empty: no song debuted on this chart in the range (check --chart, --from, --to, --artist and --song)
-- A debut is a NEW_ENTRY row of a song that has no earlier row on this chart under any of its ids.
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week,
    CAST(? AS VARCHAR) AS artist, CAST(? AS VARCHAR) AS song, CAST(? AS INTEGER) AS row_limit
),
history AS (
  SELECT s.song_id, s.song_name, s.artist_names AS song_artists, e.track_id, e.track_name, e.artist_names, e.rank, e.streams, e.entry_status,
    CAST(e.week AS DATE) AS week_date,
    row_number() OVER (PARTITION BY s.song_id ORDER BY CAST(e.week AS DATE), e.rank) AS song_row
  FROM chart_entries AS e
  JOIN songs AS s ON s.track_id = e.track_id
  CROSS JOIN params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) <= p.to_week
),
debuts AS (
  SELECT h.song_id, h.week_date AS debut_week, h.rank AS debut_rank, h.track_id, h.track_name, h.artist_names
  FROM history AS h, params AS p
  WHERE h.entry_status = 'NEW_ENTRY' AND h.song_row = 1 AND h.week_date >= p.from_week
    AND (p.artist IS NULL OR strpos(lower(', ' || h.song_artists || ', '), lower(', ' || p.artist || ', ')) > 0)
    AND (p.song IS NULL OR lower(h.song_name) = lower(p.song) OR h.song_id = p.song)
),
runs AS (
  SELECT
    d.debut_week, d.song_id, d.track_id, d.track_name, d.artist_names, d.debut_rank,
    min(h.rank) AS best_rank_in_range,
    count(DISTINCT h.week_date) AS weeks_in_range,
    sum(h.streams) AS streams_in_range
  FROM debuts AS d
  JOIN history AS h ON h.song_id = d.song_id
  GROUP BY d.debut_week, d.song_id, d.track_id, d.track_name, d.artist_names, d.debut_rank
),
ranked AS (
  SELECT r.*, row_number() OVER (ORDER BY r.debut_rank, r.debut_week DESC, r.song_id) AS position FROM runs AS r
)
SELECT r.debut_week, r.song_id, r.track_id, r.track_name, r.artist_names, r.debut_rank, r.best_rank_in_range, r.weeks_in_range, r.streams_in_range
FROM ranked AS r, params AS p
WHERE r.position <= p.row_limit
ORDER BY r.position
