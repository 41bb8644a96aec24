-- Reads Spotify Charts weekly CSV exports (UTF-8 BOM, CRLF, quoted fields; previous_rank = -1 for a new entry), any
-- number in one pass, every row tagged with its raw object. Every field is read as text.
-- Parameters: {{paths}}
INSERT INTO csv_row
SELECT o.raw_id, row_number() OVER (PARTITION BY r.filename) + 1, r.* EXCLUDE (filename)
FROM read_csv({{paths}},
  header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', strict_mode = true, filename = true, hive_partitioning = false,
  columns = {
    'rank': 'VARCHAR', 'uri': 'VARCHAR', 'artist_names': 'VARCHAR', 'track_name': 'VARCHAR', 'source': 'VARCHAR',
    'peak_rank': 'VARCHAR', 'previous_rank': 'VARCHAR', 'weeks_on_chart': 'VARCHAR', 'streams': 'VARCHAR'
  }) AS r
JOIN raw_object AS o ON o.path = r.filename;
