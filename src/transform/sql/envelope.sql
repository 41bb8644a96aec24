-- Loads one raw envelope (one JSON document) and the API objects it keeps by id.
-- The document is parsed once, with the id-keyed objects read as MAPs: extracting them with json_each over
-- the whole document re-parses it per call and cost ~30x more on a 1.5 MB week.
-- Parameters: {{raw_path}}, {{raw_id}}, {{max_bytes}} (no raw object is larger: MAX_RAW_OBJECT_BYTES; DuckDB allocates
-- twice this for its buffer, so a generous bound costs memory)
CREATE OR REPLACE TEMP TABLE envelope AS
SELECT *
FROM read_json({{raw_path}}, format = 'auto', records = true, hive_partitioning = false, maximum_object_size = {{max_bytes}},
  columns = {entries: 'JSON[]', tracks: 'MAP(VARCHAR, JSON)', albums: 'MAP(VARCHAR, JSON)', artists: 'MAP(VARCHAR, JSON)'});

INSERT INTO track_object SELECT {{raw_id}}, item.key, item.value FROM (SELECT unnest(map_entries(tracks)) AS item FROM envelope);
INSERT INTO album_object SELECT {{raw_id}}, item.key, item.value FROM (SELECT unnest(map_entries(albums)) AS item FROM envelope);
INSERT INTO artist_object SELECT {{raw_id}}, item.key, item.value FROM (SELECT unnest(map_entries(artists)) AS item FROM envelope);

-- Entries in the order the source gave them (the ordinal is the index in the array).
CREATE OR REPLACE TEMP TABLE entry AS
SELECT {{raw_id}} AS raw_id, generate_subscripts(entries, 1) - 1 AS ordinal, unnest(entries) AS e
FROM envelope;
