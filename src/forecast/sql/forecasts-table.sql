-- The `forecasts` table (one Parquet file per chart and year, like the other tables):
-- transformed/forecasts/chart=<alias>/year=<YYYY>/part-0.parquet, where week = the chart week the forecast was
-- made FROM (the newest week its model saw). `chart` and `year` are the Hive partition folders, not columns.
-- One row per song on that week's chart and horizon.
CREATE TEMP TABLE forecasts (
  week DATE NOT NULL,               -- the origin week
  target_week DATE NOT NULL,        -- the chart week predicted (week + 7 × horizon days)
  horizon INTEGER NOT NULL,         -- weeks ahead (1 = next week)
  track_id VARCHAR NOT NULL,
  track_name VARCHAR,
  artist_names VARCHAR,
  rank INTEGER NOT NULL,            -- rank in `week`
  streams BIGINT,                   -- streams in `week` (null when the source gave none)
  weeks_on_chart INTEGER,
  predicted_rank DOUBLE,            -- expected rank at target_week if the song is still on the chart
  predicted_streams BIGINT,         -- expected streams at target_week if the song is still on the chart
  predicted_move DOUBLE,            -- rank - predicted_rank: > 0 climbs, < 0 falls
  p_stay DOUBLE NOT NULL,           -- probability the song is on the chart at target_week
  p_top10 DOUBLE NOT NULL,          -- probability the song is in the top 10 at target_week
  model VARCHAR NOT NULL,           -- model name and version
  trained_from DATE,                -- first and last target week of the training examples
  trained_through DATE,
  training_rows INTEGER NOT NULL,
  seasonal BOOLEAN,                 -- the year-ago features drove the prediction (NULL in files written before v2)
  -- The model's backtest at this horizon over the chart's weeks up to `week`, the same on every row of a run (NULL
  -- in files written before v3, or when the lake was too short for a fold): what the report's panel shows.
  backtest_folds INTEGER,
  backtest_first_target DATE,
  backtest_last_target DATE,
  model_rank_mae DOUBLE,            -- mean absolute rank error on songs that stayed, model and persistence
  persistence_rank_mae DOUBLE,
  model_brier_top10 DOUBLE,         -- Brier score of "in the top 10", model and persistence
  persistence_brier_top10 DOUBLE
);
