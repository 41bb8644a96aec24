-- Song identity: one song_id for all the track ids Spotify gave one song (re-releases, relinking, a single moved
-- onto an album), over the relations chart_entries, tracks and track_artists (the lake's views, or the batch's
-- tables). Grain of `songs`: one row per track id that ever charted.
--
-- Links, strongest first; each is explainable and conservative:
--   chart_continuity  the chart hands a run over to another id: a row of an id that was not on the chart the week
--                     before has as previous_rank the rank of an id of the previous week that does not chart this
--                     week, weeks_on_chart continues that id's count, the titles agree once parentheses are dropped
--                     ("Mona Lisa (Spider-Man: …)" → "Mona Lisa") and they share a credited artist;
--   isrc              the same ISRC (the same recording), where the Web API gave one;
--   title_artists     the same title (case, spacing and apostrophes aside; "(Taylor's Version)", "(feat. …)",
--                     "- Remix" and "- Remastered" are kept, as they are other recordings) and the same set of
--                     credited artists, for ids that never chart in the same week of a chart.
-- Never linked: two ids that chart in the same week of the same chart (versions side by side), different artists.
-- Components are found with a recursive CTE (union-find by reachability); a component in which two ids still chart
-- in the same week keeps only its chart_continuity links. The song_id is the component's id that charted first
-- (earliest week, then best rank, then id): deterministic for a given lake.

-- The chart rows the rules read, read once (the chart_entries view reads the lake's files at each mention) without
-- their names (song_ids reads those), each with the id's weeks on this chart before and after it (a chart week has each id once: the gates refuse another),
-- so the rules need no join of all rows with all rows.
CREATE OR REPLACE TEMP TABLE song_entries AS
SELECT *,
  CAST(week - INTERVAL 7 DAY AS DATE) AS prev_week,
  lag(week) OVER by_id AS id_last_week,
  lead(week) OVER by_id AS id_next_week
FROM (
  SELECT chart, CAST(week AS DATE) AS week, rank, track_id, previous_rank, weeks_on_chart
  FROM chart_entries
  WHERE track_id IS NOT NULL
)
WINDOW by_id AS (PARTITION BY chart, track_id ORDER BY week);

CREATE OR REPLACE TEMP TABLE song_ids AS
WITH credits AS (
  SELECT track_id, list_sort(list(DISTINCT lower(trim(artist_name)))) AS artists
  FROM track_artists
  WHERE artist_name IS NOT NULL
  GROUP BY track_id
),
isrcs AS (
  SELECT track_id, min(upper(isrc)) AS isrc FROM tracks WHERE isrc IS NOT NULL GROUP BY track_id
),
ids AS (
  SELECT
    track_id,
    min(week) AS first_week,
    arg_min(rank, (week, rank)) AS first_rank,
    arg_max(track_name, (week, -rank)) AS track_name,
    arg_max(artist_names, (week, -rank)) AS artist_names
  -- the names straight from the chart rows: song_entries leaves them out (its window would carry them)
  FROM (SELECT track_id, CAST(week AS DATE) AS week, rank, track_name, artist_names FROM chart_entries WHERE track_id IS NOT NULL)
  GROUP BY track_id
)
SELECT
  i.*,
  trim(regexp_replace(replace(lower(i.track_name), '’', ''''), '\s+', ' ', 'g')) AS title_key,
  trim(regexp_replace(regexp_replace(replace(lower(i.track_name), '’', ''''), '\s*[\(\[][^\)\]]*[\)\]]', '', 'g'), '\s+', ' ', 'g')) AS loose_title_key,
  -- Without track_artists rows, the chart's own artist string (split at ", ") stands in.
  coalesce(c.artists, list_sort(list_distinct(list_transform(string_split(i.artist_names, ', '), name -> lower(trim(name)))))) AS artists,
  s.isrc
FROM ids AS i
LEFT JOIN credits AS c USING (track_id)
LEFT JOIN isrcs AS s USING (track_id);

CREATE OR REPLACE TEMP TABLE song_links AS
WITH handovers AS (
  -- Rows that continue a run (previous_rank known) on an id that was not on this chart the week before.
  SELECT * FROM song_entries
  WHERE previous_rank IS NOT NULL AND (id_last_week IS NULL OR id_last_week <> prev_week)
),
continuity AS (
  SELECT n.track_id AS a, o.track_id AS b, 'chart_continuity' AS linked_by, 1 AS strength
  FROM handovers AS n
  JOIN song_entries AS o ON o.chart = n.chart AND o.week = n.prev_week AND o.rank = n.previous_rank
  JOIN song_ids AS ni ON ni.track_id = n.track_id
  JOIN song_ids AS oi ON oi.track_id = o.track_id
  WHERE n.weeks_on_chart = o.weeks_on_chart + 1
    AND o.track_id <> n.track_id
    AND ni.loose_title_key = oi.loose_title_key
    AND len(list_intersect(ni.artists, oi.artists)) > 0
    -- the old id is not on the chart this week (its next week on it is another, or none)
    AND (o.id_next_week IS NULL OR o.id_next_week <> n.week)
),
same_isrc AS (
  SELECT x.track_id AS a, y.track_id AS b, 'isrc' AS linked_by, 2 AS strength
  FROM song_ids AS x
  JOIN song_ids AS y ON y.isrc = x.isrc AND x.track_id < y.track_id
),
same_title_artists AS (
  SELECT x.track_id AS a, y.track_id AS b, 'title_artists' AS linked_by, 3 AS strength
  FROM song_ids AS x
  JOIN song_ids AS y ON y.title_key = x.title_key AND y.artists = x.artists AND x.track_id < y.track_id
),
candidates AS (
  SELECT * FROM continuity UNION ALL SELECT * FROM same_isrc UNION ALL SELECT * FROM same_title_artists
),
candidate_entries AS (
  -- The chart weeks of the candidates' ids only: joined on chart and week first (DuckDB may pick that order), all
  -- entries would pair every two rows of every chart week (200 × 200 per week) before the candidates filter them.
  SELECT chart, week, track_id FROM song_entries
  WHERE track_id IN (SELECT a FROM candidates UNION SELECT b FROM candidates)
),
side_by_side AS (
  -- Candidate pairs that chart in the same week of the same chart: never one song (pairs in either order).
  SELECT DISTINCT least(c.a, c.b) AS lo, greatest(c.a, c.b) AS hi
  FROM candidates AS c
  JOIN candidate_entries AS x ON x.track_id = c.a
  JOIN candidate_entries AS y ON y.track_id = c.b AND y.chart = x.chart AND y.week = x.week
)
SELECT c.a, c.b, c.linked_by, c.strength, true AS kept
FROM candidates AS c
ANTI JOIN side_by_side AS s ON s.lo = least(c.a, c.b) AND s.hi = greatest(c.a, c.b);

-- The connected components of the kept links: every id reaches every id of its component; the smallest id names it.
CREATE OR REPLACE TEMP MACRO song_components() AS TABLE
WITH RECURSIVE edges AS (
  SELECT a AS source, b AS target FROM song_links WHERE kept
  UNION
  SELECT b, a FROM song_links WHERE kept
),
reach(track_id, member) AS (
  SELECT track_id, track_id FROM song_ids
  UNION
  SELECT r.track_id, e.target FROM reach AS r JOIN edges AS e ON e.source = r.member
)
SELECT track_id, min(member) AS component FROM reach GROUP BY track_id;

CREATE OR REPLACE TEMP TABLE song_component AS SELECT * FROM song_components();

-- A component holding two ids that chart in the same week keeps only the chart's own continuity.
UPDATE song_links SET kept = false
WHERE linked_by <> 'chart_continuity'
  AND a IN (
    WITH shared AS (
      SELECT component FROM song_component GROUP BY component HAVING count(*) > 1
    ),
    placed AS (
      SELECT e.chart, e.week, e.track_id, c.component
      FROM song_entries AS e
      JOIN song_component AS c USING (track_id)
      WHERE c.component IN (SELECT component FROM shared)
    )
    SELECT c.track_id
    FROM song_component AS c
    WHERE c.component IN (SELECT component FROM placed GROUP BY chart, week, component HAVING count(DISTINCT track_id) > 1)
  );

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
  CASE WHEN m.track_id = h.song_id THEN m.track_id ELSE i.linked_to END AS linked_to
FROM members AS m
JOIN heads AS h USING (component)
LEFT JOIN incident AS i ON i.track_id = m.track_id AND i.pick = 1
ORDER BY h.song_id, m.charted_order;
