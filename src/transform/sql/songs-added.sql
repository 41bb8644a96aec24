-- The weeks the lake committed since the state: added_weeks (committed, not in the state) and loaded_weeks (those
-- and the week before each, which a handover reads).
CREATE OR REPLACE TEMP TABLE added_weeks AS
SELECT c.chart, c.week FROM committed AS c
ANTI JOIN state_weeks AS s ON s.chart = c.chart AND s.week = c.week AND s.run_id = c.run_id;

CREATE OR REPLACE TEMP TABLE loaded_weeks AS
SELECT chart, week FROM added_weeks
UNION
SELECT chart, CAST(week - INTERVAL 7 DAY AS DATE) FROM added_weeks;
