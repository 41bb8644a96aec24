-- Splits the artist lists of a Spotify Charts CSV ("Tyler, The Creator, Kali Uchis") into credited artists with the
-- names the lake knows, so that a known name holding ", " stays one artist.
-- In:  artist_lists(artist_names)   the CSV strings to split (distinct or not)
--      known_artist_names(name)     artist names the lake knows: enriched weeks, charts-service artist lists, the
--                                   entity cache (names without ", " change nothing and may be left out)
-- Out: artist_splits(artist_names, position, artist_name)   position 1 = the first credited artist
-- From left to right, the longest run of ", "-separated parts that is a known name is one artist; a part that
-- starts no known name is an artist on its own (today's rule). Exact, case-sensitive matches only.
CREATE OR REPLACE TEMP TABLE artist_splits AS
WITH RECURSIVE known AS (
  SELECT DISTINCT name, len(string_split(name, ', ')) AS parts FROM known_artist_names WHERE name LIKE '%, %'
),
lists AS (
  SELECT DISTINCT artist_names, string_split(artist_names, ', ') AS parts FROM artist_lists WHERE artist_names IS NOT NULL
),
walk(artist_names, parts, next_part, position, artist_name) AS (
  SELECT artist_names, parts, 1, 0, CAST(NULL AS VARCHAR) FROM lists
  UNION ALL
  SELECT w.artist_names, w.parts, w.next_part + t.taken, w.position + 1, array_to_string(w.parts[w.next_part : w.next_part + t.taken - 1], ', ')
  FROM walk AS w,
  LATERAL (
    SELECT coalesce(max(k.parts), 1) AS taken
    FROM known AS k
    WHERE array_to_string(w.parts[w.next_part : w.next_part + k.parts - 1], ', ') = k.name
  ) AS t
  WHERE w.next_part <= len(w.parts)
)
SELECT artist_names, position, artist_name FROM walk WHERE position > 0
ORDER BY artist_names, position;
