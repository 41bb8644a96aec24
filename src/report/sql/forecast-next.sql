-- The newest forecast made from a week within the range, at its shortest horizon: one row per song.
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
),
-- Files written before the seasonal column (v1) or the backtest's (v2) have none: BY NAME gives them NULL there, so
-- a lake whose only forecasts are that old still shows its panel.
forecast AS (
  SELECT * FROM forecasts
  UNION ALL BY NAME
  SELECT CAST(NULL AS BOOLEAN) AS seasonal, CAST(NULL AS INTEGER) AS backtest_folds,
    CAST(NULL AS DATE) AS backtest_first_target, CAST(NULL AS DATE) AS backtest_last_target,
    CAST(NULL AS DOUBLE) AS model_rank_mae, CAST(NULL AS DOUBLE) AS persistence_rank_mae,
    CAST(NULL AS DOUBLE) AS model_brier_top10, CAST(NULL AS DOUBLE) AS persistence_brier_top10
  WHERE false
),
origin AS (
  SELECT max(CAST(f.week AS DATE)) AS week
  FROM forecast AS f, params AS p
  WHERE f.chart = p.chart AND CAST(f.week AS DATE) BETWEEN p.from_week AND p.to_week
),
horizon AS (
  SELECT min(f.horizon) AS horizon
  FROM forecast AS f, params AS p, origin AS o
  WHERE f.chart = p.chart AND CAST(f.week AS DATE) = o.week
)
SELECT
  CAST(o.week AS VARCHAR) AS origin_week, CAST(f.target_week AS VARCHAR) AS target_week, coalesce(s.song_id, f.track_id) AS song_id, f.track_id, f.track_name,
  f.artist_names, f.rank, CAST(f.predicted_rank AS DOUBLE) AS predicted_rank, CAST(f.predicted_streams AS DOUBLE) AS predicted_streams,
  CAST(f.p_stay AS DOUBLE) AS p_stay, CAST(f.p_top10 AS DOUBLE) AS p_top10, f.model,
  -- the forecast's own mark: the song's chart a year earlier drove the prediction (NULL in files of v1)
  coalesce(f.seasonal, false) AS seasonal,
  -- the backtest `chartlake forecast` stored with the forecast, the same on every row (NULL in files of v1 and v2)
  f.horizon, f.backtest_folds, CAST(f.backtest_first_target AS VARCHAR) AS backtest_first_target,
  CAST(f.backtest_last_target AS VARCHAR) AS backtest_last_target, f.model_rank_mae, f.persistence_rank_mae,
  f.model_brier_top10, f.persistence_brier_top10
FROM forecast AS f
LEFT JOIN songs AS s ON s.track_id = f.track_id
CROSS JOIN params AS p
CROSS JOIN origin AS o
CROSS JOIN horizon AS h
WHERE f.chart = p.chart AND CAST(f.week AS DATE) = o.week AND f.horizon = h.horizon
ORDER BY f.rank
