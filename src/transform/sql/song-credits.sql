-- Songwriter credits from the raw MusicBrainz lookups (raw/musicbrainz/isrc=<ISRC>/<fetched-at>.<outcome>.json).
-- params: files VARCHAR[] (local paths of the raw objects)
-- Builds two temp tables with declared types:
--   song_credits:   one row per isrc x work x person x role (a co-written song credits each writer, each role)
--   credit_lookups: one row per ISRC looked up, with its status (matched, no-recording, no-work, no-writer),
--                   so analyses can count the unknowns instead of losing them.
-- The newest lookup of an ISRC wins (a miss asked again later may have become a match).
CREATE OR REPLACE TEMP TABLE mb_latest AS
SELECT isrc, CAST(fetched_at AS TIMESTAMP) AS fetched_at, outcome, answers
FROM read_json({{files}}, format = 'auto', hive_partitioning = false, columns = {
  isrc: 'VARCHAR',
  fetched_at: 'VARCHAR',
  outcome: 'VARCHAR',
  answers: 'STRUCT(request VARCHAR, status INTEGER, body JSON)[]'
})
QUALIFY row_number() OVER (PARTITION BY isrc ORDER BY CAST(fetched_at AS TIMESTAMP) DESC) = 1;

CREATE OR REPLACE TEMP TABLE mb_recordings AS
WITH answers AS (
  SELECT isrc, unnest(answers) AS answer FROM mb_latest
)
SELECT
  isrc,
  json_extract_string(answer.body, '$.id') AS recording_mbid,
  json_extract_string(answer.body, '$.title') AS recording_title,
  answer.body AS body
FROM answers
WHERE answer.status = 200 AND starts_with(answer.request, '/ws/2/recording/');

CREATE OR REPLACE TEMP TABLE mb_works AS
WITH relations AS (
  SELECT isrc, recording_mbid, recording_title, unnest(CAST(json_extract(body, '$.relations') AS JSON[])) AS relation
  FROM mb_recordings
)
SELECT
  isrc, recording_mbid, recording_title,
  json_extract_string(relation, '$.work.id') AS work_mbid,
  json_extract_string(relation, '$.work.title') AS work_title,
  json_extract(relation, '$.work') AS work
FROM relations
WHERE json_extract_string(relation, '$."target-type"') = 'work' AND json_extract_string(relation, '$.work.id') IS NOT NULL;

CREATE OR REPLACE TEMP TABLE mb_writers AS
WITH relations AS (
  SELECT isrc, recording_mbid, recording_title, work_mbid, work_title, unnest(CAST(json_extract(work, '$.relations') AS JSON[])) AS relation
  FROM mb_works
)
SELECT
  isrc, recording_mbid, recording_title, work_mbid, work_title,
  json_extract_string(relation, '$.artist.id') AS person_mbid,
  json_extract_string(relation, '$.artist.name') AS person_name,
  json_extract_string(relation, '$.type') AS role
FROM relations
WHERE json_extract_string(relation, '$."target-type"') = 'artist'
  AND json_extract_string(relation, '$.type') IN ('composer', 'lyricist', 'writer')
  AND json_extract_string(relation, '$.artist.id') IS NOT NULL;

-- Several recordings of one ISRC usually perform the same work: the credit is counted once, named after the
-- first recording (by id) that carries it.
CREATE OR REPLACE TEMP TABLE song_credits AS
SELECT
  CAST(isrc AS VARCHAR) AS isrc,
  CAST(min(recording_mbid) AS VARCHAR) AS recording_mbid,
  CAST(arg_min(recording_title, recording_mbid) AS VARCHAR) AS recording_title,
  CAST(work_mbid AS VARCHAR) AS work_mbid,
  CAST(min(work_title) AS VARCHAR) AS work_title,
  CAST(person_mbid AS VARCHAR) AS person_mbid,
  CAST(min(person_name) AS VARCHAR) AS person_name,
  CAST(role AS VARCHAR) AS role
FROM mb_writers
GROUP BY isrc, work_mbid, person_mbid, role
ORDER BY isrc, work_mbid, role, person_name;

-- The status is computed from what the answers hold, not copied from the object's name.
CREATE OR REPLACE TEMP TABLE credit_lookups AS
SELECT
  CAST(l.isrc AS VARCHAR) AS isrc,
  CAST(CASE
    WHEN coalesce(p.writers, 0) > 0 THEN 'matched'
    WHEN coalesce(w.works, 0) > 0 THEN 'no-writer'
    WHEN coalesce(r.recordings, 0) > 0 THEN 'no-work'
    ELSE 'no-recording'
  END AS VARCHAR) AS status,
  CAST(coalesce(r.recordings, 0) AS INTEGER) AS recordings,
  CAST(coalesce(w.works, 0) AS INTEGER) AS works,
  CAST(coalesce(p.writers, 0) AS INTEGER) AS writers,
  CAST(l.fetched_at AS TIMESTAMP) AS fetched_at
FROM mb_latest AS l
LEFT JOIN (SELECT isrc, count(DISTINCT recording_mbid) AS recordings FROM mb_recordings GROUP BY isrc) AS r ON r.isrc = l.isrc
LEFT JOIN (SELECT isrc, count(DISTINCT work_mbid) AS works FROM mb_works GROUP BY isrc) AS w ON w.isrc = l.isrc
LEFT JOIN (SELECT isrc, count(DISTINCT person_mbid) AS writers FROM song_credits GROUP BY isrc) AS p ON p.isrc = l.isrc
ORDER BY l.isrc;

DROP TABLE mb_writers;
DROP TABLE mb_works;
DROP TABLE mb_recordings;
DROP TABLE mb_latest;
