-- Re-entries: songs back on the chart after dropping off, in the range, by rank on return (a return under a new track id counts)
-- params: chart VARCHAR, from_week DATE, to_week DATE, artist VARCHAR = NULL, song VARCHAR = NULL, limit INTEGER = 50
-- empty: no song came back onto this chart in the range (check --chart, --from, --to, --artist and --song)
-- A return is a RE_ENTRY row, or a NEW_ENTRY row of a song that charted earlier under another of its ids.
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week,
    CAST(? AS VARCHAR) AS artist, CAST(? AS VARCHAR) AS song, CAST(? AS INTEGER) AS row_limit
),
history AS (
  SELECT s.song_id, s.song_name, s.artist_names AS song_artists, e.track_id, e.track_name, e.artist_names, e.rank, e.peak_rank,
    e.weeks_on_chart, e.streams, e.entry_status, CAST(e.week AS DATE) AS week_date,
    row_number() OVER (PARTITION BY s.song_id ORDER BY CAST(e.week AS DATE), e.rank) AS song_row
  FROM chart_entries AS e
  JOIN songs AS s ON s.track_id = e.track_id
  CROSS JOIN params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) <= p.to_week
),
returns AS (
  SELECT h.*, row_number() OVER (ORDER BY h.rank, h.week_date DESC, h.song_id) AS position
  FROM history AS h, params AS p
  WHERE h.week_date >= p.from_week
    AND (h.entry_status = 'RE_ENTRY' OR (h.entry_status = 'NEW_ENTRY' AND h.song_row > 1))
    AND (p.artist IS NULL OR strpos(lower(', ' || h.song_artists || ', '), lower(', ' || p.artist || ', ')) > 0)
    AND (p.song IS NULL OR lower(h.song_name) = lower(p.song) OR h.song_id = p.song)
)
SELECT r.week_date AS week, r.song_id, r.track_id, r.track_name, r.artist_names, r.rank, r.peak_rank, r.weeks_on_chart, r.streams
FROM returns AS r, params AS p
WHERE r.position <= p.row_limit
ORDER BY r.position
