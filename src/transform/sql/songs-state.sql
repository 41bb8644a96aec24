-- The state of song identity as the last rebuild left it (songs.ts writes it): every id (the ids file a rebuild
-- wrote whole, and changed-ids: the rows that changed since, which win), every candidate link, and the committed
-- weeks it was built from, each with the lineage object (key and version) its row was read from.
CREATE OR REPLACE TEMP TABLE state_changed_ids AS SELECT * FROM read_parquet({{changed_ids}});
-- Every id's row, read from the files at each mention: a copy of every column of a full lake's ids costs ~55 ms,
-- a scan of a few ~5 ms (songs-add-keys.sql copies the rows an increment reaches).
CREATE OR REPLACE TEMP VIEW state_all_ids AS
SELECT * FROM read_parquet({{ids}}) WHERE track_id NOT IN (SELECT track_id FROM state_changed_ids)
UNION ALL BY NAME
SELECT * FROM state_changed_ids;
-- The rows of the ids file (what an increment's changed-ids are a share of).
CREATE OR REPLACE TEMP TABLE state_ids_file AS SELECT sum(num_rows) AS id_rows FROM parquet_file_metadata({{ids}});
CREATE OR REPLACE TEMP TABLE state_links AS SELECT * FROM read_parquet({{links}});
CREATE OR REPLACE TEMP VIEW state_weeks AS SELECT * REPLACE (CAST(week AS DATE) AS week) FROM read_parquet({{weeks}});
-- Each part's stamp (the rebuild that wrote it) and the stamp of the ids file it goes with.
CREATE OR REPLACE TEMP TABLE state_stamps AS
SELECT
  file_name,
  file_name = {{ids}} AS whole_ids,
  max(decode(value)) FILTER (WHERE decode(key) = 'song_identity') AS stamp,
  max(decode(value)) FILTER (WHERE decode(key) = 'song_identity_ids') AS ids_stamp
FROM parquet_kv_metadata([{{ids}}, {{changed_ids}}, {{links}}, {{weeks}}])
GROUP BY file_name;
