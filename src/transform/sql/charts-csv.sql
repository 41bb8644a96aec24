-- The one mapping from a Charts CSV row to a chart entry (values that do not parse stay NULL; gates.sql names them).
INSERT INTO stage_entry
SELECT
  raw_id,
  line,
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
FROM csv_row;

-- The file names artists in one string; their ids are not in it.
INSERT INTO stage_entry_track
SELECT raw_id, track_id, any_value(track_name), any_value(csv_artist_credits(artist_names))
FROM stage_entry
WHERE track_id IS NOT NULL AND raw_id IN (SELECT raw_id FROM csv_row)
GROUP BY raw_id, track_id;
