-- Loads a raw envelope (one JSON document) and the API objects it keeps by id.
-- Parameters: {{raw_path}}
CREATE TEMP TABLE envelope AS
SELECT json AS doc
FROM read_json_objects({{raw_path}}, format = 'unstructured', maximum_object_size = 1073741824);

INSERT INTO track_object SELECT item.key, item.value FROM envelope, json_each(doc, '$.tracks') AS item;
INSERT INTO album_object SELECT item.key, item.value FROM envelope, json_each(doc, '$.albums') AS item;
INSERT INTO artist_object SELECT item.key, item.value FROM envelope, json_each(doc, '$.artists') AS item;

-- Entries in the order the source gave them (json_each does not promise order; its key is the index).
CREATE TEMP TABLE entry AS
SELECT CAST(item.key AS INTEGER) AS ordinal, item.value AS e
FROM envelope, json_each(doc, '$.entries') AS item
ORDER BY ordinal;
