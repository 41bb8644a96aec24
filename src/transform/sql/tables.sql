-- The transform's working tables. Every raw object read gets a raw_id; what it says is staged per raw_id, checked
-- per raw object (gates.sql), then assembled per chart week from all the week's accepted raw objects (assemble.sql).

-- Every raw object read: the batch's, and the other raw objects of the same chart weeks (a week is built from all).
CREATE TEMP TABLE raw_object (
  raw_id INTEGER NOT NULL,
  raw_key VARCHAR NOT NULL,
  path VARCHAR,
  chart VARCHAR NOT NULL,
  week DATE NOT NULL,
  region VARCHAR NOT NULL,
  -- charts-csv | charts-service | playlist | enrichment
  source_kind VARCHAR NOT NULL,
  api_mode VARCHAR NOT NULL,
  fetched_at VARCHAR,
  sha256 VARCHAR NOT NULL,
  -- A CSV's text as a re-save keeps it (csvContentSha256); NULL for an envelope.
  content_sha256 VARCHAR,
  in_batch BOOLEAN NOT NULL
);

-- A Charts CSV's rows as text, so a bad value becomes a named refusal, not a cast error.
CREATE TEMP TABLE csv_row (
  raw_id INTEGER NOT NULL,
  line BIGINT,
  rank VARCHAR, uri VARCHAR, artist_names VARCHAR, track_name VARCHAR, source VARCHAR,
  peak_rank VARCHAR, previous_rank VARCHAR, weeks_on_chart VARCHAR, streams VARCHAR
);

-- What each raw object's chart says, one row per entry, in the source's order.
CREATE TEMP TABLE stage_entry (
  raw_id INTEGER NOT NULL,
  ordinal BIGINT,
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

-- What each raw object's chart says of a track (its name and credited artists, with ids where it gives them).
CREATE TEMP TABLE stage_entry_track (
  raw_id INTEGER NOT NULL,
  track_id VARCHAR NOT NULL,
  name VARCHAR,
  artists STRUCT(id VARCHAR, name VARCHAR)[]
);

-- Web API objects kept in raw envelopes, by id.
CREATE TEMP TABLE track_object (raw_id INTEGER NOT NULL, track_id VARCHAR NOT NULL, t JSON);
CREATE TEMP TABLE album_object (raw_id INTEGER NOT NULL, album_id VARCHAR NOT NULL, a JSON);
CREATE TEMP TABLE artist_object (raw_id INTEGER NOT NULL, artist_id VARCHAR NOT NULL, o JSON);

-- Why a raw object is refused (it is left out of its week, and quarantined when the batch named it).
CREATE TEMP TABLE refusal (raw_id INTEGER NOT NULL, check_name VARCHAR NOT NULL, detail VARCHAR NOT NULL);
-- What is imperfect but kept: recorded in the week's lineage.
CREATE TEMP TABLE warning (raw_id INTEGER NOT NULL, check_name VARCHAR NOT NULL, detail VARCHAR NOT NULL);

-- The written tables, with every type declared so Glue, Athena and DuckDB agree (DESIGN.md). `chart` and `year` are
-- the Hive partition folders chart=/year=, not columns of the files; `run_id` ties each row to the lineage row
-- that commits its week (a reader sees a week's rows only when the lineage names the same run).
CREATE TEMP TABLE chart_entries (
  chart VARCHAR NOT NULL, year INTEGER NOT NULL, week DATE NOT NULL,
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
  entry_status VARCHAR,
  run_id VARCHAR NOT NULL
);

CREATE TEMP TABLE tracks (
  chart VARCHAR NOT NULL, year INTEGER NOT NULL, week DATE NOT NULL,
  track_id VARCHAR NOT NULL,
  name VARCHAR,
  album_id VARCHAR,
  duration_ms INTEGER,
  explicit BOOLEAN,
  track_number INTEGER,
  disc_number INTEGER,
  popularity INTEGER,
  isrc VARCHAR,
  run_id VARCHAR NOT NULL
);

CREATE TEMP TABLE track_artists (
  chart VARCHAR NOT NULL, year INTEGER NOT NULL, week DATE NOT NULL,
  track_id VARCHAR NOT NULL,
  artist_id VARCHAR,
  artist_name VARCHAR,
  position INTEGER NOT NULL,
  run_id VARCHAR NOT NULL
);

CREATE TEMP TABLE albums (
  chart VARCHAR NOT NULL, year INTEGER NOT NULL, week DATE NOT NULL,
  album_id VARCHAR NOT NULL,
  name VARCHAR,
  album_type VARCHAR,
  release_date DATE,
  release_date_precision VARCHAR,
  label VARCHAR,
  total_tracks INTEGER,
  popularity INTEGER,
  run_id VARCHAR NOT NULL
);

CREATE TEMP TABLE artists (
  chart VARCHAR NOT NULL, year INTEGER NOT NULL, week DATE NOT NULL,
  artist_id VARCHAR NOT NULL,
  name VARCHAR,
  genres VARCHAR[],
  followers BIGINT,
  popularity INTEGER,
  run_id VARCHAR NOT NULL
);

-- One row per chart week: what produced it. Written after the week's tables, it commits them.
CREATE TEMP TABLE _lineage (
  chart VARCHAR NOT NULL, year INTEGER NOT NULL, week DATE NOT NULL,
  run_id VARCHAR NOT NULL,
  -- The raw object whose chart rows were kept (the deepest chart of the week), and its kind.
  source_key VARCHAR NOT NULL,
  source_kind VARCHAR NOT NULL,
  -- The chart's size as the source gives it (50 for the public charts service, 200 for a CSV or a logged-in one).
  depth INTEGER NOT NULL,
  entries INTEGER NOT NULL,
  -- Every chart track has a Web API track object.
  enriched BOOLEAN NOT NULL,
  raw_keys VARCHAR[] NOT NULL,
  raw_sha256 VARCHAR[] NOT NULL,
  code_version VARCHAR NOT NULL,
  transformed_at TIMESTAMP NOT NULL,
  chart_entries_rows INTEGER NOT NULL,
  tracks_rows INTEGER NOT NULL,
  track_artists_rows INTEGER NOT NULL,
  albums_rows INTEGER NOT NULL,
  artists_rows INTEGER NOT NULL,
  warnings STRUCT(check_name VARCHAR, detail VARCHAR)[] NOT NULL,
  -- Per raw key, a CSV's content SHA-256 (NULL for an envelope): an import checks a new file against the chart's
  -- stored CSVs (a copy under another week's name) without reading them. NULL in rows written before it existed.
  raw_content_sha256 VARCHAR[]
);

-- A Charts CSV has no status column: the one the charts service states, derived from a row's text fields
-- (previous_rank -1 marks a new entry or a re-entry).
CREATE OR REPLACE TEMP MACRO csv_entry_status(previous_rank, rank, weeks_on_chart) AS
  CASE
    WHEN TRY_CAST(previous_rank AS INTEGER) = -1 AND TRY_CAST(weeks_on_chart AS INTEGER) = 1 THEN 'NEW_ENTRY'
    WHEN TRY_CAST(previous_rank AS INTEGER) = -1 THEN 'RE_ENTRY'
    WHEN TRY_CAST(previous_rank AS INTEGER) > TRY_CAST(rank AS INTEGER) THEN 'MOVED_UP'
    WHEN TRY_CAST(previous_rank AS INTEGER) < TRY_CAST(rank AS INTEGER) THEN 'MOVED_DOWN'
    ELSE 'NO_CHANGE'
  END;
