-- Song identity, increment last step (after songs-final.sql over the touched groups): their new rows, and the
-- state's rows of every other id, unchanged (a view, read once when written).
ALTER TABLE songs RENAME TO touched_songs;

CREATE TEMP VIEW songs AS
SELECT * FROM state_songs WHERE track_id NOT IN (SELECT track_id FROM touched_ids)
UNION ALL BY NAME
SELECT * FROM touched_songs;
