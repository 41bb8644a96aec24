-- Song identity, last step: the components of the kept links of song_links over the ids of song_ids (the whole lake,
-- or the groups an increment touched), and one row per id of those, with the year the id first charted (the file of
-- songs its row lies in: store/keys.ts, songsFileKey).

CREATE OR REPLACE TEMP TABLE song_component AS SELECT * FROM song_components();

CREATE OR REPLACE TEMP TABLE songs AS
WITH members AS (
  SELECT c.component, i.*,
    row_number() OVER (PARTITION BY c.component ORDER BY i.first_week, i.first_rank, i.track_id) AS charted_order,
    row_number() OVER (PARTITION BY c.component ORDER BY i.first_week DESC, i.first_rank, i.track_id) AS newest_order
  FROM song_component AS c
  JOIN song_ids AS i USING (track_id)
),
heads AS (
  SELECT m.component, m.track_id AS song_id, n.track_name AS song_name, n.artist_names
  FROM members AS m
  JOIN members AS n ON n.component = m.component AND n.newest_order = 1
  WHERE m.charted_order = 1
),
incident AS (
  -- Why each id is in its song: its strongest kept link, to an id that charted before it where there is one.
  SELECT me.track_id, other.track_id AS linked_to, l.linked_by,
    row_number() OVER (
      PARTITION BY me.track_id
      ORDER BY (other.first_week <= me.first_week) DESC, l.strength, other.first_week DESC, other.track_id
    ) AS pick
  FROM song_links AS l
  JOIN song_ids AS me ON me.track_id IN (l.a, l.b)
  JOIN song_ids AS other ON other.track_id = CASE WHEN l.a = me.track_id THEN l.b ELSE l.a END
  WHERE l.kept
)
SELECT
  m.track_id,
  h.song_id,
  h.song_name,
  h.artist_names,
  CASE WHEN m.track_id = h.song_id THEN 'self' ELSE i.linked_by END AS linked_by,
  CASE WHEN m.track_id = h.song_id THEN m.track_id ELSE i.linked_to END AS linked_to,
  year(m.first_week) AS first_year
FROM members AS m
JOIN heads AS h USING (component)
LEFT JOIN incident AS i ON i.track_id = m.track_id AND i.pick = 1
ORDER BY h.song_id, m.charted_order;

-- The years of the files of songs these rows lie in: all of them (an increment keeps those whose rows changed:
-- songs-add-merge.sql).
CREATE OR REPLACE TEMP TABLE songs_years AS SELECT DISTINCT first_year FROM songs;
