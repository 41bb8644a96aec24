-- The dimension tables of one chart week, from the API objects where the envelope has them and from what the
-- chart says otherwise. Source-independent: runs after charts-service.sql, playlist.sql or charts-csv.sql.
INSERT INTO tracks
SELECT
  et.track_id,
  coalesce(o.t->>'$.name', et.name),
  o.t->>'$.album.id',
  TRY_CAST(o.t->>'$.duration_ms' AS INTEGER),
  TRY_CAST(o.t->>'$.explicit' AS BOOLEAN),
  TRY_CAST(o.t->>'$.track_number' AS INTEGER),
  TRY_CAST(o.t->>'$.disc_number' AS INTEGER),
  TRY_CAST(o.t->>'$.popularity' AS INTEGER),
  o.t->>'$.external_ids.isrc'
FROM entry_track AS et
LEFT JOIN track_object AS o USING (track_id)
ORDER BY et.track_id;

INSERT INTO track_artists
SELECT track_id, artist.value->>'$.id', artist.value->>'$.name', CAST(artist.key AS INTEGER) + 1
FROM track_object, json_each(t, '$.artists') AS artist
WHERE track_id IN (SELECT track_id FROM entry_track)
UNION ALL
SELECT track_id, credit.id, credit.name, credit.position
FROM (
  SELECT track_id, unnest(list_transform(artists, (a, i) -> {'id': a.id, 'name': a.name, 'position': i})) AS credit
  FROM entry_track
  WHERE track_id NOT IN (SELECT track_id FROM track_object)
)
ORDER BY 1, 4;

INSERT INTO albums
WITH referenced AS (
  SELECT t->>'$.album.id' AS album_id, any_value(t->'$.album') AS simplified
  FROM track_object
  WHERE track_id IN (SELECT track_id FROM entry_track) AND (t->>'$.album.id') IS NOT NULL
  GROUP BY 1
), album AS (
  SELECT r.album_id, coalesce(o.a, r.simplified) AS a
  FROM referenced AS r
  LEFT JOIN album_object AS o USING (album_id)
)
SELECT
  album_id,
  a->>'$.name',
  a->>'$.album_type',
  -- Spotify gives `2023`, `2023-05` or `2023-05-19`; the DATE is the first day, the precision is kept beside it.
  TRY_CAST(CASE a->>'$.release_date_precision'
    WHEN 'year' THEN (a->>'$.release_date') || '-01-01'
    WHEN 'month' THEN (a->>'$.release_date') || '-01'
    ELSE a->>'$.release_date'
  END AS DATE),
  a->>'$.release_date_precision',
  a->>'$.label',
  TRY_CAST(a->>'$.total_tracks' AS INTEGER),
  TRY_CAST(a->>'$.popularity' AS INTEGER)
FROM album
ORDER BY album_id;

INSERT INTO artists
WITH referenced AS (
  SELECT artist_id, any_value(artist_name) AS name
  FROM track_artists
  WHERE artist_id IS NOT NULL
  GROUP BY 1
)
SELECT
  r.artist_id,
  coalesce(o->>'$.name', r.name),
  CASE WHEN (o->'$.genres') IS NULL THEN NULL ELSE from_json(o->'$.genres', '["VARCHAR"]') END,
  TRY_CAST(o->>'$.followers.total' AS BIGINT),
  TRY_CAST(o->>'$.popularity' AS INTEGER)
FROM referenced AS r
LEFT JOIN artist_object USING (artist_id)
ORDER BY r.artist_id;
