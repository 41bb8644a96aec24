-- The least DuckDB can do with the same files: read every CSV once, type the columns, and write the chart rows
-- (no checks, no dimensions, no lineage) into a temporary table; limit-<layout>.sql writes it out.
-- Parameters: {{glob}}
CREATE TEMP TABLE limit_rows AS
SELECT
  'regional-' || regexp_extract(filename, 'regional-([a-z0-9]+)-weekly-', 1) || '-weekly' AS chart,
  CAST(regexp_extract(filename, '-weekly-(\d{4}-\d{2}-\d{2})\.csv$', 1) AS DATE) AS week,
  regexp_extract(filename, 'regional-([a-z0-9]+)-weekly-', 1) AS region,
  rank,
  regexp_extract(uri, '^spotify:track:([0-9A-Za-z]{22})$', 1) AS track_id,
  track_name,
  artist_names,
  source AS label,
  streams,
  peak_rank,
  NULLIF(previous_rank, -1) AS previous_rank,
  weeks_on_chart
FROM read_csv({{glob}}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', filename = true,
  columns = {
    'rank': 'INTEGER', 'uri': 'VARCHAR', 'artist_names': 'VARCHAR', 'track_name': 'VARCHAR', 'source': 'VARCHAR',
    'peak_rank': 'INTEGER', 'previous_rank': 'INTEGER', 'weeks_on_chart': 'INTEGER', 'streams': 'BIGINT'
  });
