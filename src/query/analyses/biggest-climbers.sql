-- Biggest climbers week over week: places gained against the previous week, in the range (a song's new track id continues its old id's rank)
-- params: chart VARCHAR, from_week DATE, to_week DATE, artist VARCHAR = NULL, song VARCHAR = NULL, limit INTEGER = 20
-- empty: no song of this chart climbed in the range (check --chart, --from, --to, --artist and --song)
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week,
    CAST(? AS VARCHAR) AS artist, CAST(? AS VARCHAR) AS song, CAST(? AS INTEGER) AS row_limit
),
climbs AS (
  SELECT
    CAST(e.week AS DATE) AS week,
    s.song_id,
    e.track_id,
    e.track_name,
    e.artist_names,
    e.previous_rank,
    e.rank,
    e.previous_rank - e.rank AS places_gained,
    e.streams,
    row_number() OVER (ORDER BY e.previous_rank - e.rank DESC, CAST(e.week AS DATE) DESC, e.rank) AS position
  FROM chart_entries AS e
  JOIN songs AS s ON s.track_id = e.track_id
  CROSS JOIN params AS p
  WHERE e.chart = p.chart
    AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
    AND CAST(e.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
    AND e.previous_rank IS NOT NULL
    AND e.previous_rank > e.rank
    AND (p.artist IS NULL OR strpos(lower(', ' || s.artist_names || ', '), lower(', ' || p.artist || ', ')) > 0)
    AND (p.song IS NULL OR lower(s.song_name) = lower(p.song) OR s.song_id = p.song)
)
SELECT c.week, c.song_id, c.track_id, c.track_name, c.artist_names, c.previous_rank, c.rank, c.places_gained, c.streams
FROM climbs AS c, params AS p
WHERE c.position <= p.row_limit
ORDER BY c.position
