-- Song identity: the connected components of the kept links of song_links: every id reaches every id of its component; the smallest id names it.
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

