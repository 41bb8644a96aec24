-- The rest of what an import writes beside the chart rows, in the compact layout (one file per table, chart and
-- year, sorted as chartlake sorts them): a tracks row per chart row, a track_artists row per credited artist (the
-- artist string split at ", "), a lineage row per chart week, each with the run that wrote it. A CSV gives no
-- album or artist objects, so albums and artists have no rows. The views chart_entries, tracks and track_artists
-- are what the songs build then reads (limit.ts), as an import's reads the lake's.
-- Parameters: {{tracks}}, {{track_artists}}, {{lineage}}
CREATE TEMP VIEW chart_entries AS SELECT * FROM limit_rows;

CREATE TEMP VIEW tracks AS
SELECT chart, year(week) AS year, week, track_id, track_name AS name, NULL::VARCHAR AS album_id, NULL::INTEGER AS duration_ms,
  NULL::BOOLEAN AS explicit, NULL::INTEGER AS track_number, NULL::INTEGER AS disc_number, NULL::INTEGER AS popularity,
  NULL::VARCHAR AS isrc, 'limit' AS run_id
FROM limit_rows;

CREATE TEMP VIEW track_artists AS
SELECT chart, year(week) AS year, week, track_id, NULL::VARCHAR AS artist_id, artist_name, CAST(position AS INTEGER) AS position, 'limit' AS run_id
FROM (
  SELECT chart, week, track_id, unnest(names) AS artist_name, generate_subscripts(names, 1) AS position
  FROM (SELECT chart, week, track_id, string_split(artist_names, ', ') AS names FROM limit_rows)
);

COPY (SELECT * FROM tracks ORDER BY chart, week, track_id) TO {{tracks}} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (chart, year));

COPY (SELECT * FROM track_artists ORDER BY chart, week, track_id, position) TO {{track_artists}} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (chart, year));

COPY (
  SELECT chart, year(week) AS year, week, 'limit' AS run_id, count(*) AS entries, count(*) AS chart_entries_rows
  FROM limit_rows GROUP BY chart, week ORDER BY chart, week
) TO {{lineage}} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (chart, year));
