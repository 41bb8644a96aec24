-- The state of song identity as the last rebuild left it (songs.ts writes it): every id, every candidate link, and
-- the committed weeks it was built from, each with the lineage object (key and version) its row was read from.
CREATE OR REPLACE TEMP TABLE state_ids AS SELECT * FROM read_parquet({{ids}});
CREATE OR REPLACE TEMP TABLE state_links AS SELECT * FROM read_parquet({{links}});
CREATE OR REPLACE TEMP TABLE state_weeks AS SELECT * REPLACE (CAST(week AS DATE) AS week) FROM read_parquet({{weeks}});
CREATE OR REPLACE TEMP VIEW state_songs AS SELECT * FROM read_parquet({{songs}});
-- The three parts carry the stamp of the rebuild that wrote them.
CREATE OR REPLACE TEMP TABLE state_stamps AS
SELECT file_name, decode(value) AS stamp
FROM parquet_kv_metadata([{{ids}}, {{links}}, {{weeks}}])
WHERE decode(key) = 'song_identity';
