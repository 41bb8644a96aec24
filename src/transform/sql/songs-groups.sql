-- Song identity, step 3 over the whole lake: groups (the components of every candidate link), the groups in which
-- two ids chart in the same week (they keep only their chart_continuity links), and the state an increment starts
-- from: next_ids (every id's keys, group and conflict) and next_links (every candidate link).

CREATE OR REPLACE TEMP TABLE song_groups AS SELECT track_id, component AS grp FROM song_components();

CREATE OR REPLACE TEMP TABLE song_conflicts AS
WITH shared AS (
  SELECT grp FROM song_groups GROUP BY grp HAVING count(*) > 1
)
SELECT DISTINCT g.grp
FROM song_entries AS e
JOIN song_groups AS g USING (track_id)
WHERE g.grp IN (SELECT grp FROM shared)
GROUP BY e.chart, e.week, g.grp
HAVING count(DISTINCT e.track_id) > 1;

-- A group holding two ids that chart in the same week keeps only the chart's own continuity.
UPDATE song_links SET kept = false
WHERE linked_by <> 'chart_continuity'
  AND a IN (SELECT track_id FROM song_groups WHERE grp IN (SELECT grp FROM song_conflicts));

-- The state keeps no key that an id's names give again (songs-keys.sql).
CREATE OR REPLACE TEMP TABLE next_ids AS
SELECT i.* EXCLUDE (title_key, loose_title_key, artists), g.grp, g.grp IN (SELECT grp FROM song_conflicts) AS conflict
FROM song_ids AS i
JOIN song_groups AS g USING (track_id);

CREATE OR REPLACE TEMP TABLE next_links AS SELECT * FROM song_links;
