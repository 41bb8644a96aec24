-- Popular artists: streams, share of the chart's streams, charting tracks and weeks at number 1, crediting every artist of a collaboration
-- params: chart VARCHAR, from_week DATE, to_week DATE
-- Each credited artist of a song gets the song's full streams, so shares add up to more than 100 %.
-- Artists are grouped by name: on CSV imports track_artists has names only (artist_id is NULL).
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
),
entries AS (
  SELECT e.chart, e.week, e.rank, e.track_id, e.streams
  FROM chart_entries AS e, params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
),
credits AS (
  SELECT DISTINCT e.week, e.rank, e.track_id, e.streams, a.artist_name
  FROM entries AS e
  JOIN track_artists AS a ON a.track_id = e.track_id AND a.chart = e.chart AND a.week = e.week
  WHERE a.artist_name IS NOT NULL
),
total AS (
  SELECT sum(streams) AS streams FROM entries
)
SELECT
  c.artist_name,
  sum(c.streams) AS streams,
  round(100 * CAST(sum(c.streams) AS DOUBLE) / max(t.streams), 2) AS share_pct,
  count(DISTINCT c.track_id) AS charting_tracks,
  count(DISTINCT c.week) AS weeks_on_chart,
  count(DISTINCT CASE WHEN c.rank = 1 THEN c.week END) AS weeks_at_number_1,
  min(c.rank) AS best_rank
FROM credits AS c, total AS t
GROUP BY c.artist_name
ORDER BY streams DESC, charting_tracks DESC, c.artist_name
LIMIT 50
