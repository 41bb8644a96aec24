-- The `_runs` view: one row per transformed chart week, from its lineage record (which raw object produced it,
-- with size and SHA-256, the code version, rows per table and the time).
SELECT
  chart,
  CAST(week AS DATE) AS week,
  raw.key AS raw_key,
  raw.size AS raw_size,
  raw.sha256 AS raw_sha256,
  code_version,
  CAST(transformed_at AS TIMESTAMP) AS transformed_at,
  rows.chart_entries AS chart_entries_rows,
  rows.tracks AS tracks_rows,
  rows.track_artists AS track_artists_rows,
  rows.albums AS albums_rows,
  rows.artists AS artists_rows
FROM read_json({{glob}}, format = 'auto', columns = {
  'raw': 'STRUCT(key VARCHAR, size BIGINT, sha256 VARCHAR)',
  'chart': 'VARCHAR',
  'week': 'VARCHAR',
  'code_version': 'VARCHAR',
  'transformed_at': 'VARCHAR',
  'rows': 'STRUCT(chart_entries BIGINT, tracks BIGINT, track_artists BIGINT, albums BIGINT, artists BIGINT)'
})
