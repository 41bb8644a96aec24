-- The backtest the shown forecast was made with, as `chartlake forecast` stored it on its rows: the origin week's
-- shortest horizon. No row for forecasts files written before the backtest columns (v3): the report runs it then.
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS origin_week
),
forecast AS (
  SELECT * FROM forecasts
  UNION ALL BY NAME
  SELECT CAST(NULL AS INTEGER) AS backtest_folds, CAST(NULL AS DATE) AS backtest_first_target,
    CAST(NULL AS DATE) AS backtest_last_target, CAST(NULL AS DOUBLE) AS model_rank_mae,
    CAST(NULL AS DOUBLE) AS persistence_rank_mae, CAST(NULL AS DOUBLE) AS model_brier_top10,
    CAST(NULL AS DOUBLE) AS persistence_brier_top10
  WHERE false
)
SELECT
  f.horizon,
  any_value(f.backtest_folds) AS folds,
  CAST(any_value(f.backtest_first_target) AS VARCHAR) AS first_target,
  CAST(any_value(f.backtest_last_target) AS VARCHAR) AS last_target,
  any_value(f.model_rank_mae) AS model_rank_mae,
  any_value(f.persistence_rank_mae) AS persistence_rank_mae,
  any_value(f.model_brier_top10) AS model_brier_top10,
  any_value(f.persistence_brier_top10) AS persistence_brier_top10
FROM forecast AS f
CROSS JOIN params AS p
WHERE f.chart = p.chart AND CAST(f.week AS DATE) = p.origin_week AND f.backtest_folds IS NOT NULL
GROUP BY f.horizon
ORDER BY f.horizon
LIMIT 1
