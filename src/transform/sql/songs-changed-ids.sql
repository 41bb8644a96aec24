-- The ids whose row in next_ids differs from the ids file the state was built on: those changed before (the
-- state's changed-ids), the new ids, and ids seen before whose group or conflict the increment changed. Only their
-- rows are written (changed-ids), until they are many enough to write the ids file whole again. An id seen before
-- changes only in a group the increment reached: one of state_ids.
CREATE OR REPLACE TEMP TABLE changed_ids AS
SELECT track_id FROM state_changed_ids
UNION
SELECT track_id FROM delta_ids
UNION
SELECT s.track_id
FROM state_ids AS s
LEFT JOIN delta_groups AS d ON d.node = s.grp
WHERE coalesce(d.grp, s.grp) IS DISTINCT FROM s.grp
   OR (NOT s.conflict AND coalesce(d.grp, s.grp) IN (SELECT grp FROM song_conflicts));

-- Their rows: every changed id is a new one, one of a group the increment reached, or one of the state's changed-ids,
-- and state_ids holds the whole rows of the last two.
CREATE OR REPLACE TEMP VIEW next_changed_ids AS
SELECT * FROM next_ids_of('state_ids') WHERE track_id IN (SELECT track_id FROM changed_ids);
