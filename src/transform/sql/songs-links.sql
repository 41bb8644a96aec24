-- Song identity, step 2: candidate links between ids. One song_id for all the track ids Spotify gave one song (re-releases, relinking, a single moved
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

CREATE OR REPLACE TEMP TABLE song_links AS
WITH handovers AS (
  -- Rows that continue a run (previous_rank known) on an id that was not on this chart the week before.
  SELECT * FROM song_entries
  WHERE previous_rank IS NOT NULL AND (id_last_week IS NULL OR id_last_week <> prev_week)
),
continuity AS (
  -- DISTINCT: one handover shown on many charts is one link.
  SELECT DISTINCT n.track_id AS a, o.track_id AS b, 'chart_continuity' AS linked_by, 1 AS strength
  FROM handovers AS n
  JOIN song_entries AS o ON o.chart = n.chart AND o.week = n.prev_week AND o.rank = n.previous_rank
  JOIN song_ids AS ni ON ni.track_id = n.track_id
  JOIN song_ids AS oi ON oi.track_id = o.track_id
  WHERE n.weeks_on_chart = o.weeks_on_chart + 1
    AND o.track_id <> n.track_id
    AND ni.loose_title_key = oi.loose_title_key
    AND len(list_intersect(string_split(ni.artists, chr(31)), string_split(oi.artists, chr(31)))) > 0
    -- the old id is not on the chart this week (its next week on it is another, or none)
    AND (o.id_next_week IS NULL OR o.id_next_week <> n.week)
),
-- ISRC and title links of the ids of song_link_ids (every id, or an increment's new ones) with every id: each
-- pair once, the smaller id as a. Joined from song_link_ids, so an increment never pairs the whole lake with itself.
linking AS (
  SELECT * FROM song_ids WHERE track_id IN (SELECT track_id FROM song_link_ids)
),
same_isrc AS (
  SELECT least(x.track_id, y.track_id) AS a, greatest(x.track_id, y.track_id) AS b, 'isrc' AS linked_by, 2 AS strength
  FROM linking AS x
  JOIN song_ids AS y ON y.isrc = x.isrc AND y.track_id <> x.track_id
  WHERE x.track_id < y.track_id OR y.track_id NOT IN (SELECT track_id FROM song_link_ids)
),
same_title_artists AS (
  SELECT least(x.track_id, y.track_id) AS a, greatest(x.track_id, y.track_id) AS b, 'title_artists' AS linked_by, 3 AS strength
  FROM linking AS x
  JOIN song_ids AS y ON y.title_key = x.title_key AND y.artists = x.artists AND y.track_id <> x.track_id
  WHERE x.track_id < y.track_id OR y.track_id NOT IN (SELECT track_id FROM song_link_ids)
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
