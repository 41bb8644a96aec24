-- The five transformed tables, with every type declared so Glue, Athena and DuckDB agree (DESIGN.md).
-- `chart` and `week` are not columns of the files: they are the Hive partition folders chart=/week=.
CREATE TEMP TABLE chart_entries (
  region VARCHAR NOT NULL,
  rank INTEGER,
  track_id VARCHAR,
  track_name VARCHAR,
  artist_names VARCHAR,
  label VARCHAR,
  streams BIGINT,
  peak_rank INTEGER,
  previous_rank INTEGER,
  weeks_on_chart INTEGER,
  entry_status VARCHAR
);

CREATE TEMP TABLE tracks (
  track_id VARCHAR NOT NULL,
  name VARCHAR,
  album_id VARCHAR,
  duration_ms INTEGER,
  explicit BOOLEAN,
  track_number INTEGER,
  disc_number INTEGER,
  popularity INTEGER,
  isrc VARCHAR
);

CREATE TEMP TABLE track_artists (
  track_id VARCHAR NOT NULL,
  artist_id VARCHAR,
  artist_name VARCHAR,
  position INTEGER NOT NULL
);

CREATE TEMP TABLE albums (
  album_id VARCHAR NOT NULL,
  name VARCHAR,
  album_type VARCHAR,
  release_date DATE,
  release_date_precision VARCHAR,
  label VARCHAR,
  total_tracks INTEGER,
  popularity INTEGER
);

CREATE TEMP TABLE artists (
  artist_id VARCHAR NOT NULL,
  name VARCHAR,
  genres VARCHAR[],
  followers BIGINT,
  popularity INTEGER
);

-- What the chart itself says of each track, for tracks the Web API did not enrich.
CREATE TEMP TABLE entry_track (
  track_id VARCHAR NOT NULL,
  name VARCHAR,
  artists STRUCT(id VARCHAR, name VARCHAR)[]
);

-- API objects kept in the raw envelope, by id (empty for a CSV import).
CREATE TEMP TABLE track_object (track_id VARCHAR NOT NULL, t JSON);
CREATE TEMP TABLE album_object (album_id VARCHAR NOT NULL, a JSON);
CREATE TEMP TABLE artist_object (artist_id VARCHAR NOT NULL, o JSON);

-- A Charts CSV has no status column: the one the charts service states, derived from a row's text fields
-- (previous_rank -1 marks a new entry or a re-entry). Shared by the one-file and the batch import.
CREATE OR REPLACE TEMP MACRO csv_entry_status(previous_rank, rank, weeks_on_chart) AS
  CASE
    WHEN TRY_CAST(previous_rank AS INTEGER) = -1 AND TRY_CAST(weeks_on_chart AS INTEGER) = 1 THEN 'NEW_ENTRY'
    WHEN TRY_CAST(previous_rank AS INTEGER) = -1 THEN 'RE_ENTRY'
    WHEN TRY_CAST(previous_rank AS INTEGER) > TRY_CAST(rank AS INTEGER) THEN 'MOVED_UP'
    WHEN TRY_CAST(previous_rank AS INTEGER) < TRY_CAST(rank AS INTEGER) THEN 'MOVED_DOWN'
    ELSE 'NO_CHANGE'
  END;
