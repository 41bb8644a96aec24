-- Song identity, increment last step (after songs-final.sql over the touched groups): their new rows
-- (touched_songs), and the state's rows of every other id, unchanged (a view, read once when written). state_songs
-- holds the state's rows of the files the touched ids lie in (songs.ts), each with its file's year.

-- The files written again: of the years whose rows changed (a new id's, or a touched id's that differs).
CREATE OR REPLACE TEMP TABLE songs_years AS
SELECT DISTINCT first_year FROM (
  SELECT track_id, song_id, song_name, artist_names, linked_by, linked_to, first_year FROM touched_songs
  EXCEPT
  SELECT track_id, song_id, song_name, artist_names, linked_by, linked_to, first_year
  FROM state_songs SEMI JOIN touched_ids USING (track_id)
);

CREATE TEMP VIEW songs AS
SELECT * FROM state_songs WHERE track_id NOT IN (SELECT track_id FROM touched_ids)
UNION ALL BY NAME
SELECT * FROM touched_songs;
