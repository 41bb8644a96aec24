-- Builds each chart week from all its accepted raw objects (DESIGN.md, "A week is built from all its raw objects"):
-- the chart rows of the deepest chart, and every entity any of them knows. Disagreements are warnings.
-- Parameters: {{run_id}}, {{code_version}}, {{transformed_at}}
CREATE OR REPLACE TEMP TABLE accepted AS
SELECT * FROM raw_object WHERE raw_id NOT IN (SELECT raw_id FROM refusal);

-- The rule for the chart rows: the deepest chart; at equal depth the most entries, then the charts service (it
-- states entry status and artist ids), then a CSV, then a playlist; then the newest object.
CREATE OR REPLACE TEMP TABLE week_built AS
SELECT chart, year(week) AS year, week, raw_id AS source_id, raw_key AS source_key, source_kind, region, size AS depth, n AS entries
FROM (
  SELECT a.*, s.size, s.n,
    row_number() OVER (
      PARTITION BY a.chart, a.week
      ORDER BY s.size DESC, s.n DESC,
        CASE a.source_kind WHEN 'charts-service' THEN 0 WHEN 'charts-csv' THEN 1 ELSE 2 END,
        coalesce(a.fetched_at, '') DESC, a.raw_key DESC
    ) AS preference
  FROM accepted AS a JOIN entry_size AS s USING (raw_id)
  WHERE s.n > 0
)
-- A week is rebuilt only when a raw object the batch named was accepted: a refused one changes nothing stored.
WHERE preference = 1 AND (chart, week) IN (SELECT (chart, week) FROM accepted WHERE in_batch);

-- Every accepted raw object of a week that is built (enrichment included).
CREATE OR REPLACE TEMP TABLE week_raw AS
SELECT w.chart, w.week, a.raw_id, coalesce(a.fetched_at, '') AS fetched_at
FROM week_built AS w JOIN accepted AS a USING (chart, week);

-- The newest object of each entity among the week's raw objects.
CREATE OR REPLACE TEMP TABLE week_track_object AS
SELECT w.chart, w.week, o.track_id, arg_max(o.t, w.fetched_at) AS t
FROM week_raw AS w JOIN track_object AS o USING (raw_id) GROUP BY ALL;
CREATE OR REPLACE TEMP TABLE week_album_object AS
SELECT w.chart, w.week, o.album_id, arg_max(o.a, w.fetched_at) AS a
FROM week_raw AS w JOIN album_object AS o USING (raw_id) GROUP BY ALL;
CREATE OR REPLACE TEMP TABLE week_artist_object AS
SELECT w.chart, w.week, o.artist_id, arg_max(o.o, w.fetched_at) AS o
FROM week_raw AS w JOIN artist_object AS o USING (raw_id) GROUP BY ALL;

-- What the chart says of each track: the chosen source's name; credited artists with ids where any source of the
-- week gives them (the charts service does, a CSV does not).
CREATE OR REPLACE TEMP TABLE week_entry_track AS
SELECT w.chart, w.year, w.week, t.track_id, t.name, coalesce(ided.artists, t.artists) AS artists
FROM week_built AS w
JOIN stage_entry_track AS t ON t.raw_id = w.source_id
LEFT JOIN (
  SELECT w.chart, w.week, s.track_id, arg_max(s.artists, w.fetched_at) AS artists
  FROM week_raw AS w JOIN stage_entry_track AS s USING (raw_id)
  WHERE len(s.artists) > 0 AND len(list_filter(s.artists, a -> a.id IS NULL)) = 0
  GROUP BY ALL
) AS ided USING (chart, week, track_id);

-- The tables' rows, in no order: each chart-year file is sorted as it is written (FILE_ORDER, handler.ts), so a
-- sort here was a second one (~8 % of a backfill's time).
INSERT INTO chart_entries
SELECT w.chart, w.year, w.week, w.region, e.rank, e.track_id, e.track_name, e.artist_names, e.label, e.streams,
  e.peak_rank, e.previous_rank, e.weeks_on_chart, e.entry_status, {{run_id}}
FROM week_built AS w JOIN stage_entry AS e ON e.raw_id = w.source_id;

INSERT INTO tracks
SELECT
  et.chart, et.year, et.week, et.track_id,
  coalesce(o.t->>'$.name', et.name),
  o.t->>'$.album.id',
  TRY_CAST(o.t->>'$.duration_ms' AS INTEGER),
  TRY_CAST(o.t->>'$.explicit' AS BOOLEAN),
  TRY_CAST(o.t->>'$.track_number' AS INTEGER),
  TRY_CAST(o.t->>'$.disc_number' AS INTEGER),
  TRY_CAST(o.t->>'$.popularity' AS INTEGER),
  o.t->>'$.external_ids.isrc',
  {{run_id}}
FROM week_entry_track AS et
LEFT JOIN week_track_object AS o USING (chart, week, track_id);

INSERT INTO track_artists
SELECT chart, year, week, track_id, artist_id, artist_name, position, {{run_id}}
FROM (
  SELECT et.chart, et.year, et.week, et.track_id, artist.value->>'$.id' AS artist_id, artist.value->>'$.name' AS artist_name,
    CAST(artist.key AS INTEGER) + 1 AS position
  FROM week_entry_track AS et
  JOIN week_track_object AS o USING (chart, week, track_id), json_each(o.t, '$.artists') AS artist
  UNION ALL
  SELECT chart, year, week, track_id, credit.id, credit.name, credit.position
  FROM (
    SELECT et.chart, et.year, et.week, et.track_id,
      unnest(list_transform(et.artists, (a, i) -> {'id': a.id, 'name': a.name, 'position': i})) AS credit
    FROM week_entry_track AS et
    ANTI JOIN week_track_object AS o USING (chart, week, track_id)
  )
);

INSERT INTO albums
WITH referenced AS (
  SELECT o.chart, o.week, o.t->>'$.album.id' AS album_id, any_value(o.t->'$.album') AS simplified
  FROM week_track_object AS o
  SEMI JOIN week_entry_track AS et USING (chart, week, track_id)
  WHERE (o.t->>'$.album.id') IS NOT NULL
  GROUP BY ALL
), album AS (
  SELECT r.chart, r.week, r.album_id, coalesce(o.a, r.simplified) AS a
  FROM referenced AS r
  LEFT JOIN week_album_object AS o USING (chart, week, album_id)
)
SELECT
  chart, year(week), week, album_id,
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
  TRY_CAST(a->>'$.popularity' AS INTEGER),
  {{run_id}}
FROM album;

INSERT INTO artists
WITH referenced AS (
  SELECT chart, week, artist_id, any_value(artist_name) AS name
  FROM track_artists
  WHERE artist_id IS NOT NULL AND run_id = {{run_id}}
  GROUP BY ALL
)
SELECT
  r.chart, year(r.week), r.week, r.artist_id,
  coalesce(o.o->>'$.name', r.name),
  CASE WHEN (o.o->'$.genres') IS NULL THEN NULL ELSE from_json(o.o->'$.genres', '["VARCHAR"]') END,
  TRY_CAST(o.o->>'$.followers.total' AS BIGINT),
  TRY_CAST(o.o->>'$.popularity' AS INTEGER),
  {{run_id}}
FROM referenced AS r
LEFT JOIN week_artist_object AS o USING (chart, week, artist_id);

-- Sources of one week that disagree with the chosen one on a rank or a stream count: kept, and said.
INSERT INTO warning
SELECT other.raw_id, 'sources_disagree',
  count(*) || ' entries differ from ' || any_value(w.source_key) || ' (whose chart rows are kept), e.g. track ' ||
  min(mine.track_id) || ': rank ' || coalesce(CAST(arg_min(other.rank, mine.track_id) AS VARCHAR), '?') || ' vs ' ||
  coalesce(CAST(arg_min(mine.rank, mine.track_id) AS VARCHAR), '?') || ', streams ' ||
  coalesce(CAST(arg_min(other.streams, mine.track_id) AS VARCHAR), '?') || ' vs ' || coalesce(CAST(arg_min(mine.streams, mine.track_id) AS VARCHAR), '?')
FROM (
  -- only weeks built from two raw objects or more (a backfill of CSVs has none: no join of all its entries)
  SELECT * FROM week_built WHERE (chart, week) IN (SELECT (chart, week) FROM week_raw GROUP BY chart, week HAVING count(*) > 1)
) AS w
JOIN stage_entry AS mine ON mine.raw_id = w.source_id
JOIN week_raw AS r ON r.chart = w.chart AND r.week = w.week AND r.raw_id <> w.source_id
JOIN stage_entry AS other ON other.raw_id = r.raw_id AND other.track_id = mine.track_id
WHERE other.rank IS DISTINCT FROM mine.rank
   OR (other.streams IS NOT NULL AND mine.streams IS NOT NULL AND other.streams <> mine.streams)
GROUP BY other.raw_id;

CREATE OR REPLACE TEMP MACRO built_rows(t) AS TABLE
  SELECT chart, week, count(*) AS n FROM query_table(t) WHERE run_id = {{run_id}} GROUP BY ALL;

INSERT INTO _lineage
SELECT
  w.chart, w.year, w.week, {{run_id}}, w.source_key, w.source_kind, w.depth, w.entries,
  coalesce(bare.n, 0) = 0,
  raws.keys,
  raws.sha256,
  {{code_version}},
  CAST({{transformed_at}} AS TIMESTAMP),
  coalesce(ce.n, 0), coalesce(tr.n, 0), coalesce(ta.n, 0), coalesce(al.n, 0), coalesce(ar.n, 0),
  coalesce(warned.warnings, []),
  raws.content_sha256
FROM week_built AS w
JOIN (
  SELECT chart, week, list(raw_key ORDER BY raw_key) AS keys, list(sha256 ORDER BY raw_key) AS sha256,
    list(content_sha256 ORDER BY raw_key) AS content_sha256
  FROM accepted GROUP BY ALL
) AS raws USING (chart, week)
-- Tracks the Web API never described (no track object): a week without any is enriched.
LEFT JOIN (
  SELECT et.chart, et.week, count(*) AS n
  FROM week_entry_track AS et ANTI JOIN week_track_object AS o USING (chart, week, track_id)
  GROUP BY ALL
) AS bare USING (chart, week)
LEFT JOIN built_rows('chart_entries') AS ce USING (chart, week)
LEFT JOIN built_rows('tracks') AS tr USING (chart, week)
LEFT JOIN built_rows('track_artists') AS ta USING (chart, week)
LEFT JOIN built_rows('albums') AS al USING (chart, week)
LEFT JOIN built_rows('artists') AS ar USING (chart, week)
LEFT JOIN (
  SELECT a.chart, a.week, list({'check_name': x.check_name, 'detail': a.raw_key || ': ' || x.detail} ORDER BY a.raw_key, x.check_name, x.detail) AS warnings
  FROM warning AS x JOIN accepted AS a USING (raw_id)
  GROUP BY ALL
) AS warned USING (chart, week)
ORDER BY w.chart, w.week;
