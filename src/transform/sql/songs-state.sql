-- The state of song identity as the last rebuild left it (songs.ts writes it), and the weeks the lake committed
-- since: added_weeks (committed, not in the state) and loaded_weeks (those and the week before each, which a
-- handover reads).
CREATE OR REPLACE TEMP TABLE state_ids AS SELECT * FROM read_parquet({{ids}});
CREATE OR REPLACE TEMP TABLE state_links AS SELECT * FROM read_parquet({{links}});
CREATE OR REPLACE TEMP TABLE state_weeks AS SELECT chart, CAST(week AS DATE) AS week, run_id FROM read_parquet({{weeks}});
CREATE OR REPLACE TEMP VIEW state_songs AS SELECT * FROM read_parquet({{songs}});
-- The three parts carry the stamp of the rebuild that wrote them.
CREATE OR REPLACE TEMP TABLE state_stamps AS
SELECT file_name, decode(value) AS stamp
FROM parquet_kv_metadata([{{ids}}, {{links}}, {{weeks}}])
WHERE decode(key) = 'song_identity';

CREATE OR REPLACE TEMP TABLE added_weeks AS
SELECT c.chart, CAST(c.week AS DATE) AS week FROM committed AS c
ANTI JOIN state_weeks AS s ON s.chart = c.chart AND s.week = CAST(c.week AS DATE) AND s.run_id = c.run_id;

CREATE OR REPLACE TEMP TABLE loaded_weeks AS
SELECT chart, week FROM added_weeks
UNION
SELECT chart, CAST(week - INTERVAL 7 DAY AS DATE) FROM added_weeks;
