-- Song identity, increment step 2 (after songs-keys.sql over the added weeks and the week before each): the keys of
-- the ids never seen before, a reason to rebuild the whole lake whenever the added weeks would change what the state
-- holds about an id seen before, and then song_ids over every id (the state's and the new), for songs-links.sql.
-- Inputs: song_entries and song_ids of the loaded weeks, added_weeks (chart, week), the state (songs-state.sql), and
-- the chart_entries view of the loaded weeks.

CREATE OR REPLACE TEMP TABLE added_entries AS
SELECT e.* FROM song_entries AS e SEMI JOIN added_weeks AS w ON w.chart = e.chart AND w.week = e.week;

-- The whole rows of the ids seen before that the steps below can reach, and of the state's changed-ids (the rows
-- songs-changed-ids.sql writes again): every id of each group that holds an id of the loaded weeks or one sharing
-- an ISRC or title and artists with an id of the added weeks. The links of the added weeks have their ends among
-- these, so each group they join or put in conflict is here whole; a group no link reaches is here whole too, and
-- stays as it was. Two scans of the ids, the second reading whole rows only of these (a copy of every id's group
-- and keys to join cost ~20 ms more on a full lake).
CREATE OR REPLACE TEMP TABLE state_ids AS
WITH added_ids AS (
  SELECT p.isrc, p.title_artists_key FROM song_ids AS p SEMI JOIN added_entries AS e USING (track_id)
),
reached AS (
  SELECT DISTINCT grp FROM state_all_ids
  WHERE track_id IN (SELECT track_id FROM song_entries)
     OR isrc IN (SELECT isrc FROM added_ids)
     OR title_artists_key IN (SELECT title_artists_key FROM added_ids)
)
SELECT * FROM state_all_ids
WHERE grp IN (SELECT grp FROM reached) OR track_id IN (SELECT track_id FROM state_changed_ids);

-- The ids of the added weeks never seen before: an id of them seen before is one of state_ids (its group is reached).
CREATE OR REPLACE TEMP TABLE delta_ids AS
SELECT p.* FROM song_ids AS p SEMI JOIN added_entries AS e USING (track_id) ANTI JOIN state_ids AS s USING (track_id);

CREATE OR REPLACE TEMP TABLE song_fallback AS
SELECT 'an id seen before charts under another title or artists' AS reason, e.track_id AS track_id
FROM chart_entries AS e
JOIN added_weeks AS w ON w.chart = e.chart AND w.week = CAST(e.week AS DATE)
JOIN state_ids AS s ON s.track_id = e.track_id
WHERE (e.track_name IS DISTINCT FROM s.track_name OR e.artist_names IS DISTINCT FROM s.artist_names)
UNION ALL
SELECT 'an id seen before charts earlier than it first did', p.track_id
FROM song_ids AS p
JOIN state_ids AS s USING (track_id)
WHERE p.first_week < s.first_week OR (p.first_week = s.first_week AND p.first_rank < s.first_rank)
UNION ALL
SELECT 'an id seen before has other credited artists or ISRC', p.track_id
FROM song_ids AS p
JOIN state_ids AS s USING (track_id)
WHERE (p.credits IS NOT NULL AND (s.credits IS NULL OR NOT list_has_all(string_split(s.credits, chr(31)), string_split(p.credits, chr(31)))))
   OR (p.isrc IS NOT NULL AND (s.isrc IS NULL OR p.isrc < s.isrc));

-- The ids songs-links.sql and songs-final.sql read: the new ones and those of state_ids.
DROP TABLE song_ids;
CREATE TEMP TABLE song_ids AS
SELECT * EXCLUDE (grp, conflict) FROM with_song_keys('state_ids')
UNION ALL BY NAME
SELECT * FROM delta_ids;

-- The ISRC and title links the state lacks are those of a new id (the state holds those between ids seen before).
CREATE OR REPLACE TEMP VIEW song_link_ids AS SELECT track_id FROM delta_ids;
