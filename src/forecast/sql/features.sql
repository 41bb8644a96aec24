-- Features of every song on one chart, per chart week. Each row looks only BACKWARD: the week itself and the
-- 4 weeks before it (lags are joined by date, week - 7·k days, so a missing week in the lake is a missing lag,
-- never a shifted one). Labels (where the song is h weeks later) are NOT here: they are joined in TypeScript from
-- these same rows, so the forecast path and the backtest path read the same features.
-- A year earlier: the song's rank 52 weeks before (364 days, the same chart week of last year) and in the 4 weeks
-- after that one (ya_rank_k = rank at week - 364 + 7·k days, k = 0..4; every one of them is at or before the week
-- itself, so no future leaks in), and whether the lake held those charts at all (ya_known_k): a lake with one year
-- has none, and "not on the chart a year ago" must not be confused with "the lake did not exist a year ago".
-- A song is its song_id (the songs table): lags follow the song across its track ids.
-- The release-date relation comes from release-dates.sql (tracks × albums) or no-release-dates.sql (a lake
-- without those tables) and is spliced in at the release CTE. The one parameter (?) is the chart alias.
WITH params AS (SELECT CAST(? AS VARCHAR) AS chart),
entries AS (
  SELECT CAST(e.week AS DATE) AS week, s.song_id, e.track_id, e.track_name, e.artist_names, e.rank, e.streams,
         e.peak_rank, e.previous_rank, e.weeks_on_chart, e.entry_status
  FROM chart_entries e
  JOIN songs s ON s.track_id = e.track_id
  CROSS JOIN params p
  WHERE e.chart = p.chart AND e.track_id IS NOT NULL AND e.rank IS NOT NULL
),
weeks AS (
  SELECT week, count(*) AS chart_size, min(streams) AS cutoff_streams, max(streams) AS top_streams
  FROM entries GROUP BY week
),
-- Other songs on the same chart week that share a credited artist (by id when known, else by name).
credits AS (
  SELECT DISTINCT CAST(a.week AS DATE) AS week, a.track_id, coalesce(a.artist_id, lower(a.artist_name)) AS artist
  FROM track_artists a, params p
  WHERE a.chart = p.chart AND coalesce(a.artist_id, a.artist_name) IS NOT NULL
),
artist_load AS (
  SELECT c.week, c.track_id, count(DISTINCT x.song_id) AS artist_other_songs
  FROM credits c
  JOIN credits o ON o.week = c.week AND o.artist = c.artist AND o.track_id <> c.track_id
  JOIN entries x ON x.week = o.week AND x.track_id = o.track_id
  GROUP BY c.week, c.track_id
),
release AS (
  SELECT week, track_id, min(release_date) AS release_date FROM ({release_dates}) GROUP BY week, track_id
),
lagged AS (
  SELECT
    e.* EXCLUDE (previous_rank), w.chart_size, w.cutoff_streams, w.top_streams,
    coalesce(l1.rank, e.previous_rank) AS rank_1, l2.rank AS rank_2, l3.rank AS rank_3, l4.rank AS rank_4,
    l1.streams AS streams_1, l2.streams AS streams_2, l3.streams AS streams_3, l4.streams AS streams_4,
    (w1.week IS NOT NULL)::INTEGER + (w2.week IS NOT NULL)::INTEGER + (w3.week IS NOT NULL)::INTEGER + (w4.week IS NOT NULL)::INTEGER AS history_weeks,
    coalesce(w1.chart_size, w.chart_size) AS chart_size_1,
    coalesce(w2.chart_size, w.chart_size) AS chart_size_2,
    coalesce(w3.chart_size, w.chart_size) AS chart_size_3,
    coalesce(w4.chart_size, w.chart_size) AS chart_size_4,
    coalesce(al.artist_other_songs, 0) AS artist_other_songs,
    date_diff('day', r.release_date, e.week) AS days_since_release,
    y0.rank AS ya_rank_0, y1.rank AS ya_rank_1, y2.rank AS ya_rank_2, y3.rank AS ya_rank_3, y4.rank AS ya_rank_4,
    yw0.week IS NOT NULL AS ya_known_0, yw1.week IS NOT NULL AS ya_known_1, yw2.week IS NOT NULL AS ya_known_2,
    yw3.week IS NOT NULL AS ya_known_3, yw4.week IS NOT NULL AS ya_known_4
  FROM entries e
  JOIN weeks w ON w.week = e.week
  LEFT JOIN weeks w1 ON w1.week = e.week - INTERVAL 7 DAY
  LEFT JOIN weeks w2 ON w2.week = e.week - INTERVAL 14 DAY
  LEFT JOIN weeks w3 ON w3.week = e.week - INTERVAL 21 DAY
  LEFT JOIN weeks w4 ON w4.week = e.week - INTERVAL 28 DAY
  LEFT JOIN entries l1 ON l1.song_id = e.song_id AND l1.week = e.week - INTERVAL 7 DAY
  LEFT JOIN entries l2 ON l2.song_id = e.song_id AND l2.week = e.week - INTERVAL 14 DAY
  LEFT JOIN entries l3 ON l3.song_id = e.song_id AND l3.week = e.week - INTERVAL 21 DAY
  LEFT JOIN entries l4 ON l4.song_id = e.song_id AND l4.week = e.week - INTERVAL 28 DAY
  LEFT JOIN weeks yw0 ON yw0.week = e.week - INTERVAL 364 DAY
  LEFT JOIN weeks yw1 ON yw1.week = e.week - INTERVAL 357 DAY
  LEFT JOIN weeks yw2 ON yw2.week = e.week - INTERVAL 350 DAY
  LEFT JOIN weeks yw3 ON yw3.week = e.week - INTERVAL 343 DAY
  LEFT JOIN weeks yw4 ON yw4.week = e.week - INTERVAL 336 DAY
  LEFT JOIN entries y0 ON y0.song_id = e.song_id AND y0.week = e.week - INTERVAL 364 DAY
  LEFT JOIN entries y1 ON y1.song_id = e.song_id AND y1.week = e.week - INTERVAL 357 DAY
  LEFT JOIN entries y2 ON y2.song_id = e.song_id AND y2.week = e.week - INTERVAL 350 DAY
  LEFT JOIN entries y3 ON y3.song_id = e.song_id AND y3.week = e.week - INTERVAL 343 DAY
  LEFT JOIN entries y4 ON y4.song_id = e.song_id AND y4.week = e.week - INTERVAL 336 DAY
  LEFT JOIN artist_load al ON al.week = e.week AND al.track_id = e.track_id
  LEFT JOIN release r ON r.week = e.week AND r.track_id = e.track_id
)
SELECT
  CAST(week AS VARCHAR) AS week, song_id, track_id, track_name, artist_names, rank, streams, peak_rank, weeks_on_chart,
  entry_status, chart_size, history_weeks,
  rank_1, rank_2, rank_3, rank_4, streams_1, streams_2, streams_3, streams_4,
  artist_other_songs, days_since_release,
  ya_rank_0, ya_rank_1, ya_rank_2, ya_rank_3, ya_rank_4, ya_known_0, ya_known_1, ya_known_2, ya_known_3, ya_known_4,
  -- Position: log rank as a share of the chart, and log distance of streams above the week's last place.
  ln(CAST(rank AS DOUBLE) / chart_size) AS log_rank_share,
  ln(streams) - ln(cutoff_streams) AS cutoff_margin,
  ln(top_streams) - ln(streams) AS top_gap,
  -- Momentum: streams against last week and against the mean of the weeks on chart among the last 4.
  ln(streams) - ln(streams_1) AS momentum_1,
  ln(streams) - (coalesce(ln(streams_1), 0) + coalesce(ln(streams_2), 0) + coalesce(ln(streams_3), 0) + coalesce(ln(streams_4), 0))
    / nullif((streams_1 IS NOT NULL)::INTEGER + (streams_2 IS NOT NULL)::INTEGER + (streams_3 IS NOT NULL)::INTEGER + (streams_4 IS NOT NULL)::INTEGER, 0) AS momentum_4,
  ln(rank_1) - ln(rank) AS rank_climb_1,
  -- Mean log rank share of the last 4 weeks, a week off the chart counting as one place below it.
  (ln(coalesce(rank_1, chart_size_1 + 1) / CAST(chart_size_1 AS DOUBLE)) + ln(coalesce(rank_2, chart_size_2 + 1) / CAST(chart_size_2 AS DOUBLE))
   + ln(coalesce(rank_3, chart_size_3 + 1) / CAST(chart_size_3 AS DOUBLE)) + ln(coalesce(rank_4, chart_size_4 + 1) / CAST(chart_size_4 AS DOUBLE))) / 4 AS log_rank_share_avg4,
  (rank_1 IS NOT NULL)::INTEGER + (rank_2 IS NOT NULL)::INTEGER + (rank_3 IS NOT NULL)::INTEGER + (rank_4 IS NOT NULL)::INTEGER AS weeks_present_4
FROM lagged
ORDER BY week, rank
