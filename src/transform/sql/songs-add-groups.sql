-- Song identity, increment step 4 (after songs-links.sql): the links the added weeks bring, the groups they join or
-- put in conflict, and the next state: next_ids, next_links, and touched_ids (the ids of every group whose songs
-- rows songs-final.sql computes again; the others keep theirs). A group is named by its smallest id, as a
-- component of the whole lake is; a case the increment cannot decide from the state alone is a song_fallback row.
-- An id seen before that a new link ends at is one of state_ids, with every id of its group (songs-add-keys.sql).

-- New links: those of a new id, and handovers between two ids seen before that the state does not hold yet.
CREATE OR REPLACE TEMP TABLE delta_links AS
SELECT l.*
FROM song_links AS l
LEFT JOIN state_ids AS sa ON sa.track_id = l.a
LEFT JOIN state_ids AS sb ON sb.track_id = l.b
WHERE sa.track_id IS NULL OR sb.track_id IS NULL
   OR (l.linked_by = 'chart_continuity'
       AND NOT EXISTS (SELECT 1 FROM state_links AS s WHERE s.a = l.a AND s.b = l.b AND s.linked_by = l.linked_by));

-- Such a handover is a candidate only if the two ids never charted in the same week, which the weeks the increment
-- reads cannot tell, but the state can when both are in one group in no conflict (no two of its ids ever charted
-- in the same week).
INSERT INTO song_fallback
SELECT 'a handover links two ids seen before that may have charted side by side', l.a
FROM delta_links AS l
JOIN state_ids AS sa ON sa.track_id = l.a
JOIN state_ids AS sb ON sb.track_id = l.b
WHERE sa.grp <> sb.grp OR sa.conflict;

-- Two ids the state links chart side by side in an added week: that link is no longer a candidate.
INSERT INTO song_fallback
SELECT DISTINCT 'two linked ids chart in the same added week', l.a
FROM state_links AS l
JOIN added_entries AS x ON x.track_id = l.a
JOIN added_entries AS y ON y.track_id = l.b AND y.chart = x.chart AND y.week = x.week;

-- The groups the new links join: a new id is a node of its own, an id seen before stands for its group.
CREATE OR REPLACE TEMP TABLE delta_groups AS
WITH RECURSIVE edges AS (
  SELECT coalesce(sa.grp, l.a) AS source, coalesce(sb.grp, l.b) AS target
  FROM delta_links AS l
  LEFT JOIN state_ids AS sa ON sa.track_id = l.a
  LEFT JOIN state_ids AS sb ON sb.track_id = l.b
),
both_ways AS (
  SELECT source, target FROM edges UNION SELECT target, source FROM edges
),
reach(node, member) AS (
  SELECT track_id, track_id FROM delta_ids
  UNION
  SELECT source, source FROM both_ways
  UNION
  SELECT r.node, e.target FROM reach AS r JOIN both_ways AS e ON e.source = r.member
)
SELECT node, min(member) AS grp FROM reach GROUP BY node;

INSERT INTO song_fallback
SELECT 'new links join two songs', min(d.node)
FROM delta_groups AS d
WHERE d.node IN (SELECT grp FROM state_ids)
GROUP BY d.grp
HAVING count(*) > 1;

-- Each id's next group, of the groups the increment reached (state_ids) and of the new ids. A group it did not reach
-- keeps its group, its conflict and its links' rows as the state holds them.
CREATE OR REPLACE TEMP TABLE next_members AS
SELECT s.track_id, coalesce(d.grp, s.grp) AS grp, s.conflict AS was_conflict, d.grp IS NOT NULL AS linked
FROM state_ids AS s
LEFT JOIN delta_groups AS d ON d.node = s.grp
UNION ALL
SELECT n.track_id, d.grp, false, true
FROM delta_ids AS n
JOIN delta_groups AS d ON d.node = n.track_id;

-- In conflict, of the groups reached: a group that was (or that one of the groups it joins was), or one in which two
-- ids chart in the same added week. A group in conflict stays so.
CREATE OR REPLACE TEMP TABLE song_conflicts AS
SELECT DISTINCT grp FROM next_members WHERE was_conflict
UNION
SELECT m.grp
FROM added_entries AS e
JOIN next_members AS m USING (track_id)
GROUP BY e.chart, e.week, m.grp
HAVING count(DISTINCT e.track_id) > 1;

-- Views over the state and the delta, read once when written (song_ids is the touched ids' below). next_ids is
-- each id's next group by the small delta_groups, not by a join of every id with its next group (~60 ms on a full lake):
-- over every id of the state, or over the rows copied in state_ids (next_changed_ids, songs-changed-ids.sql).
CREATE OR REPLACE TEMP MACRO next_ids_of(state) AS TABLE
SELECT s.* REPLACE (coalesce(d.grp, s.grp) AS grp, s.conflict OR coalesce(d.grp, s.grp) IN (SELECT grp FROM song_conflicts) AS conflict)
FROM query_table(state) AS s
LEFT JOIN delta_groups AS d ON d.node = s.grp
UNION ALL BY NAME
SELECT n.* EXCLUDE (title_key, loose_title_key, artists), d.grp, d.grp IN (SELECT grp FROM song_conflicts) AS conflict
FROM delta_ids AS n
JOIN delta_groups AS d ON d.node = n.track_id;
CREATE OR REPLACE TEMP VIEW next_ids AS SELECT * FROM next_ids_of('state_all_ids');

-- A link lies in one group (a group is a component of the links). Those of the groups reached are made again.
CREATE OR REPLACE TEMP VIEW next_links AS
SELECT a, b, linked_by, strength, kept FROM state_links WHERE a NOT IN (SELECT track_id FROM next_members)
UNION ALL
SELECT l.a, l.b, l.linked_by, l.strength, l.linked_by = 'chart_continuity' OR m.grp NOT IN (SELECT grp FROM song_conflicts) AS kept
FROM (SELECT a, b, linked_by, strength FROM state_links UNION ALL SELECT a, b, linked_by, strength FROM delta_links) AS l
JOIN next_members AS m ON m.track_id = l.a;

-- Touched: a group a new id or link reached, or one newly in conflict.
CREATE OR REPLACE TEMP TABLE touched_ids AS
WITH touched AS (
  SELECT grp FROM next_members WHERE linked
  UNION
  SELECT grp FROM song_conflicts WHERE grp NOT IN (SELECT grp FROM next_members WHERE was_conflict)
)
SELECT track_id FROM next_members WHERE grp IN (SELECT grp FROM touched);

-- What songs-final.sql computes again: the touched groups' ids (their rows of song_ids, keys included) and their
-- links.
DELETE FROM song_ids WHERE track_id NOT IN (SELECT track_id FROM touched_ids);

CREATE OR REPLACE TEMP TABLE song_links AS
SELECT * FROM next_links WHERE a IN (SELECT track_id FROM touched_ids);
