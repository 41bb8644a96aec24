-- Patterns over time, week by week: turnover (new entries), median duration, explicit share, collaboration share, age of songs at debut, how long songs stay, streams concentration (top-10 share)
-- params: chart VARCHAR, from_week DATE, to_week DATE
-- Medians are computed with row_number() and count() (the middle row, or the mean of the middle two), since
-- DuckDB's median()/quantile_cont() and Trino's approx_percentile() have no common spelling: this is exact on both.
-- Duration, explicit and release dates come from the Web API: on CSV-only weeks those columns are NULL.
-- Turnover counts songs: a NEW_ENTRY row of a song that charted before under another track id is a re-entry.
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
),
chart_songs AS (
  -- The chart's rows of every week with their song, read once: a song's debut is its first week on the chart.
  SELECT e.chart, e.week, e.rank, e.track_id, e.streams, e.weeks_on_chart, e.entry_status, s.song_id
  FROM chart_entries AS e
  JOIN songs AS s ON s.track_id = e.track_id
  CROSS JOIN params AS p
  WHERE e.chart = p.chart
),
song_debuts AS (
  SELECT song_id, min(CAST(week AS DATE)) AS debut_week FROM chart_songs GROUP BY song_id
),
entries AS (
  SELECT e.chart, e.week, CAST(e.week AS DATE) AS week_date, e.rank, e.track_id, e.streams, e.weeks_on_chart,
    CASE WHEN e.entry_status = 'NEW_ENTRY' AND CAST(e.week AS DATE) > d.debut_week THEN 'RE_ENTRY' ELSE e.entry_status END AS entry_status
  FROM chart_songs AS e
  JOIN song_debuts AS d ON d.song_id = e.song_id
  CROSS JOIN params AS p
  WHERE CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
),
credits AS (
  SELECT a.chart, a.week, a.track_id, count(DISTINCT a.position) AS artists
  FROM track_artists AS a
  JOIN (SELECT DISTINCT chart, week FROM entries) AS w ON w.chart = a.chart AND w.week = a.week
  CROSS JOIN params AS p
  -- each table's own partitions, not only the chart rows': only the chart's files of the range's years are read
  WHERE a.chart = p.chart AND CAST(a.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
  GROUP BY a.chart, a.week, a.track_id
),
enriched AS (
  SELECT
    e.*,
    t.duration_ms,
    t.explicit,
    c.artists,
    CASE WHEN e.entry_status = 'NEW_ENTRY' THEN CAST(date_diff('day', al.release_date, e.week_date) AS DOUBLE) / 7 END AS debut_age_weeks
  FROM entries AS e
  CROSS JOIN params AS p
  LEFT JOIN tracks AS t ON t.track_id = e.track_id AND t.chart = e.chart AND t.week = e.week
    AND t.chart = p.chart AND CAST(t.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
  LEFT JOIN albums AS al ON al.album_id = t.album_id AND al.chart = t.chart AND al.week = t.week
    AND al.chart = p.chart AND CAST(al.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
  LEFT JOIN credits AS c ON c.track_id = e.track_id AND c.chart = e.chart AND c.week = e.week
),
weekly AS (
  SELECT
    week_date,
    count(*) AS chart_size,
    sum(CASE WHEN entry_status = 'NEW_ENTRY' THEN 1 ELSE 0 END) AS new_entries,
    sum(CASE WHEN entry_status = 'RE_ENTRY' THEN 1 ELSE 0 END) AS re_entries,
    avg(CASE WHEN explicit THEN CAST(1 AS DOUBLE) WHEN NOT explicit THEN CAST(0 AS DOUBLE) END) AS explicit_share,
    avg(CASE WHEN artists > 1 THEN CAST(1 AS DOUBLE) WHEN artists = 1 THEN CAST(0 AS DOUBLE) END) AS collaboration_share,
    avg(CAST(weeks_on_chart AS DOUBLE)) AS avg_weeks_on_chart,
    CAST(sum(CASE WHEN rank <= 10 THEN streams END) AS DOUBLE) / sum(streams) AS top10_streams_share,
    sum(streams) AS streams
  FROM enriched
  GROUP BY week_date
),
measures AS (
  SELECT week_date, 'duration_ms' AS measure, CAST(duration_ms AS DOUBLE) AS value FROM enriched WHERE duration_ms IS NOT NULL
  UNION ALL
  SELECT week_date, 'debut_age_weeks', debut_age_weeks FROM enriched WHERE debut_age_weeks IS NOT NULL
  UNION ALL
  SELECT week_date, 'weeks_on_chart', CAST(weeks_on_chart AS DOUBLE) FROM enriched WHERE weeks_on_chart IS NOT NULL
),
numbered AS (
  SELECT
    week_date, measure, value,
    row_number() OVER (PARTITION BY week_date, measure ORDER BY value) AS position,
    count(*) OVER (PARTITION BY week_date, measure) AS n
  FROM measures
),
medians AS (
  -- The middle row(s): 2 * position is n + 1 for odd n, n or n + 2 for even n.
  SELECT
    week_date,
    avg(CASE WHEN measure = 'duration_ms' THEN value END) AS median_duration_ms,
    avg(CASE WHEN measure = 'debut_age_weeks' THEN value END) AS median_debut_age_weeks,
    avg(CASE WHEN measure = 'weeks_on_chart' THEN value END) AS median_weeks_on_chart
  FROM numbered
  WHERE 2 * position BETWEEN n AND n + 2
  GROUP BY week_date
)
SELECT
  w.week_date AS week,
  w.chart_size,
  w.new_entries,
  w.re_entries,
  m.median_duration_ms,
  round(w.explicit_share, 4) AS explicit_share,
  round(w.collaboration_share, 4) AS collaboration_share,
  m.median_debut_age_weeks,
  m.median_weeks_on_chart,
  round(w.avg_weeks_on_chart, 2) AS avg_weeks_on_chart,
  round(w.top10_streams_share, 4) AS top10_streams_share,
  w.streams
FROM weekly AS w
LEFT JOIN medians AS m ON m.week_date = w.week_date
ORDER BY week
