-- Many Spotify Charts weekly CSVs in one pass: charts-csv.sql for a list of files, every row tagged with its file
-- (file_id, from batch_file). The per-week tables of tables.sql are the type templates. Rows carry no position:
-- a partitioned COPY does not keep row order within a file anyway, and readers order by columns.
-- Parameters: {{paths}}
CREATE TEMP TABLE batch_csv_row AS
SELECT f.file_id, r.* EXCLUDE (filename)
FROM (
  SELECT *
  FROM read_csv({{paths}},
    header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', strict_mode = true, filename = true,
    columns = {
      'rank': 'VARCHAR', 'uri': 'VARCHAR', 'artist_names': 'VARCHAR', 'track_name': 'VARCHAR', 'source': 'VARCHAR',
      'peak_rank': 'VARCHAR', 'previous_rank': 'VARCHAR', 'weeks_on_chart': 'VARCHAR', 'streams': 'VARCHAR'
    })
) AS r
JOIN batch_file AS f ON f.path = r.filename;

CREATE TEMP TABLE batch_chart_entries AS SELECT CAST(NULL AS INTEGER) AS file_id, * FROM chart_entries LIMIT 0;
CREATE TEMP TABLE batch_tracks AS SELECT CAST(NULL AS INTEGER) AS file_id, * FROM tracks LIMIT 0;
CREATE TEMP TABLE batch_track_artists AS SELECT CAST(NULL AS INTEGER) AS file_id, * FROM track_artists LIMIT 0;
CREATE TEMP TABLE batch_albums AS SELECT CAST(NULL AS INTEGER) AS file_id, * FROM albums LIMIT 0;
CREATE TEMP TABLE batch_artists AS SELECT CAST(NULL AS INTEGER) AS file_id, * FROM artists LIMIT 0;

INSERT INTO batch_chart_entries
SELECT
  r.file_id,
  f.region,
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
FROM batch_csv_row AS r
JOIN batch_file AS f USING (file_id);

CREATE TEMP TABLE batch_entry_track AS
SELECT
  file_id,
  track_id,
  any_value(track_name) AS name,
  any_value(list_transform(string_split(artist_names, ', '), n -> {'id': NULL::VARCHAR, 'name': n})) AS artists
FROM batch_chart_entries
WHERE track_id IS NOT NULL
GROUP BY file_id, track_id;

-- dimensions.sql for a week without API objects (a CSV has none): names as the chart gives them.
INSERT INTO batch_tracks
SELECT file_id, track_id, name, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM batch_entry_track;

INSERT INTO batch_track_artists
SELECT file_id, track_id, credit.id, credit.name, credit.position
FROM (
  SELECT file_id, track_id, unnest(list_transform(artists, (a, i) -> {'id': a.id, 'name': a.name, 'position': i})) AS credit
  FROM batch_entry_track
);

INSERT INTO batch_artists
SELECT file_id, artist_id, name, NULL, NULL, NULL
FROM (
  SELECT file_id, artist_id, any_value(artist_name) AS name
  FROM batch_track_artists
  WHERE artist_id IS NOT NULL
  GROUP BY file_id, artist_id
);
