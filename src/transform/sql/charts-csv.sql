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

-- The file names a track's artists in one string joined with ", ", without ids: the lists are split with the names
-- known to hold ", " (split-artists.sql runs next): real names that do (a parameter), and every artist name this
-- transform's Web API objects and charts-service lists give (with an id) for the same weeks.
-- Parameters: {{known_names}}
CREATE OR REPLACE TEMP TABLE artist_lists AS
SELECT DISTINCT artist_names FROM stage_entry WHERE raw_id IN (SELECT raw_id FROM raw_object WHERE source_kind = 'charts-csv') AND artist_names IS NOT NULL;

CREATE OR REPLACE TEMP TABLE known_artist_names AS
SELECT UNNEST({{known_names}}) AS name
UNION SELECT o->>'$.name' FROM artist_object WHERE (o->>'$.name') LIKE '%, %'
UNION SELECT credit.name FROM (SELECT unnest(artists) AS credit FROM stage_entry_track) WHERE credit.id IS NOT NULL AND credit.name LIKE '%, %';
