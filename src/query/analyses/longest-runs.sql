-- Longest runs: songs by their longest unbroken run of consecutive chart weeks within the range, over all their track ids
-- params: chart VARCHAR, from_week DATE, to_week DATE, artist VARCHAR = NULL, song VARCHAR = NULL, limit INTEGER = 50
-- empty: no chart weeks of this chart in the range match (check --chart, --from, --to, --artist and --song)
-- Gaps and islands over the chart weeks of the range. A song's absence from a week breaks its run only when that week
-- was deep enough to show the song where it last stood: a song at rank 120 is not dropping out when the next week
-- holds only 50 entries (the public charts service without a token); the run goes on through that week.
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week,
    CAST(? AS VARCHAR) AS artist, CAST(? AS VARCHAR) AS song, CAST(? AS INTEGER) AS row_limit
),
chart_rows AS (
  SELECT s.song_id, s.song_name, s.artist_names AS song_artists, e.track_id, e.rank, e.weeks_on_chart, CAST(e.week AS DATE) AS week_date
  FROM chart_entries AS e
  JOIN songs AS s ON s.track_id = e.track_id
  CROSS JOIN params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
    -- the partition columns: only the chart's files of the range's years are read (here and on Athena)
    AND CAST(e.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
),
chart_weeks AS (
  -- A week's depth is the deepest rank it shows (50 or 200). It is taken from chart_entries, not from the lineage
  -- (`_runs`): `_runs` is a local view and Glue does not catalogue `_lineage`, so this runs unchanged on Athena.
  SELECT week_date, depth, row_number() OVER (ORDER BY week_date) AS week_number
  FROM (SELECT week_date, max(rank) AS depth FROM chart_rows GROUP BY week_date) AS w
),
entries AS (
  -- One row per song and week (a song never has two ids in one chart week; this makes sure of it).
  SELECT c.song_id, c.week_date, min(c.rank) AS rank
  FROM chart_rows AS c, params AS p
  WHERE (p.artist IS NULL OR strpos(lower(', ' || c.song_artists || ', '), lower(', ' || p.artist || ', ')) > 0)
    AND (p.song IS NULL OR lower(c.song_name) = lower(p.song) OR c.song_id = p.song)
  GROUP BY c.song_id, c.week_date
),
stepped AS (
  SELECT e.song_id, e.week_date, e.rank, w.week_number,
    lag(w.week_number) OVER (PARTITION BY e.song_id ORDER BY e.week_date) AS last_number,
    lag(e.rank) OVER (PARTITION BY e.song_id ORDER BY e.week_date) AS last_rank
  FROM entries AS e
  JOIN chart_weeks AS w ON w.week_date = e.week_date
),
skipped AS (
  -- The deepest of the weeks a song was absent from since its last row (only rows after a gap have such weeks:
  -- filtered first, the range join reads a few rows in twenty instead of every row).
  SELECT s.song_id, s.week_date, max(w.depth) AS deepest
  FROM (SELECT * FROM stepped WHERE week_number > last_number + 1) AS s
  JOIN chart_weeks AS w ON w.week_number > s.last_number AND w.week_number < s.week_number
  GROUP BY s.song_id, s.week_date
),
numbered AS (
  SELECT s.song_id, s.week_date, s.rank, s.week_number,
    sum(CASE WHEN s.last_number IS NULL OR k.deepest >= s.last_rank THEN 1 ELSE 0 END)
      OVER (PARTITION BY s.song_id ORDER BY s.week_date ROWS UNBOUNDED PRECEDING) AS island
  FROM stepped AS s
  LEFT JOIN skipped AS k ON k.song_id = s.song_id AND k.week_date = s.week_date
),
runs AS (
  -- A run's weeks are the chart weeks from its first to its last, the shallow weeks it went through included.
  SELECT song_id, island, max(week_number) - min(week_number) + 1 AS run_weeks, min(week_date) AS run_start, max(week_date) AS run_end, min(rank) AS best_rank
  FROM numbered
  GROUP BY song_id, island
),
picked AS (
  SELECT r.*, row_number() OVER (PARTITION BY r.song_id ORDER BY r.run_weeks DESC, r.run_end DESC) AS pick
  FROM runs AS r
),
latest AS (
  SELECT song_id, song_name, song_artists, weeks_on_chart,
    row_number() OVER (PARTITION BY song_id ORDER BY week_date DESC, rank) AS newest
  FROM chart_rows
),
ranked AS (
  SELECT
    l.song_id,
    l.song_name,
    l.song_artists AS artist_names,
    r.run_weeks AS longest_run_weeks,
    r.run_start,
    r.run_end,
    r.best_rank,
    l.weeks_on_chart AS weeks_on_chart_total,
    row_number() OVER (ORDER BY r.run_weeks DESC, r.best_rank, l.song_id) AS position
  FROM picked AS r
  JOIN latest AS l ON l.song_id = r.song_id AND l.newest = 1
  WHERE r.pick = 1
)
SELECT r.song_id, r.song_name, r.artist_names, r.longest_run_weeks, r.run_start, r.run_end, r.best_rank, r.weeks_on_chart_total
FROM ranked AS r, params AS p
WHERE r.position <= p.row_limit
ORDER BY r.position
