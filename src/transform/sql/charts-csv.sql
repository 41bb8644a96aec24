-- Reads a Spotify Charts weekly CSV export (UTF-8 BOM, CRLF, quoted fields; previous_rank = -1 for a new entry).
-- Every field is read as text first, so a bad value becomes a named quality failure, not a cast error.
-- Parameters: {{raw_path}}, {{region}}
CREATE TEMP TABLE csv_row AS
SELECT row_number() OVER () + 1 AS line, *
FROM read_csv({{raw_path}},
  header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', strict_mode = true,
  columns = {
    'rank': 'VARCHAR', 'uri': 'VARCHAR', 'artist_names': 'VARCHAR', 'track_name': 'VARCHAR', 'source': 'VARCHAR',
    'peak_rank': 'VARCHAR', 'previous_rank': 'VARCHAR', 'weeks_on_chart': 'VARCHAR', 'streams': 'VARCHAR'
  });

INSERT INTO chart_entries
SELECT
  {{region}},
  TRY_CAST(rank AS INTEGER),
  NULLIF(regexp_extract(uri, '^spotify:track:([0-9A-Za-z]{22})$', 1), ''),
  track_name,
  artist_names,
  NULLIF(source, ''),
  TRY_CAST(streams AS BIGINT),
  TRY_CAST(peak_rank AS INTEGER),
  NULLIF(TRY_CAST(previous_rank AS INTEGER), -1),
  TRY_CAST(weeks_on_chart AS INTEGER),
  csv_entry_status(previous_rank, rank, weeks_on_chart)
FROM csv_row
ORDER BY line;

-- The file names artists in one string; their ids are not in it (position kept, id null).
INSERT INTO entry_track
SELECT
  track_id,
  any_value(track_name),
  any_value(list_transform(string_split(artist_names, ', '), n -> {'id': NULL::VARCHAR, 'name': n}))
FROM chart_entries
WHERE track_id IS NOT NULL
GROUP BY track_id;
