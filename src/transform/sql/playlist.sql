-- Flattens playlist items: the position is the rank; the track is under `item` (2026) or `track` (older answers).
CREATE OR REPLACE TEMP TABLE playlist_track AS
SELECT raw_id, ordinal, coalesce(e->'$.item', e->'$.track') AS t
FROM entry;

INSERT INTO stage_entry
SELECT
  raw_id,
  ordinal,
  ordinal + 1,
  NULLIF(regexp_extract(t->>'$.id', '^([0-9A-Za-z]{22})$', 1), ''),
  t->>'$.name',
  array_to_string(t->>'$.artists[*].name', ', '),
  NULL,
  NULL,
  NULL,
  NULL,
  NULL,
  NULL
FROM playlist_track;

-- A playlist item carries the whole track object: keep it where the envelope has none of its own.
INSERT INTO track_object
SELECT raw_id, t->>'$.id', any_value(t)
FROM playlist_track
WHERE (t->>'$.id') IS NOT NULL AND (t->>'$.id') NOT IN (SELECT track_id FROM track_object WHERE raw_id = playlist_track.raw_id)
GROUP BY 1, 2;

INSERT INTO stage_entry_track
SELECT
  raw_id,
  t->>'$.id',
  any_value(t->>'$.name'),
  any_value(list_transform(from_json(t->'$.artists', '[{"id": "VARCHAR", "name": "VARCHAR"}]'), a -> {'id': a.id, 'name': a.name}))
FROM playlist_track
WHERE (t->>'$.id') IS NOT NULL
GROUP BY 1, 2;
