-- Song identity, step 1 (songs.ts runs the steps): the chart rows and every id's keys, over the relations
-- chart_entries, tracks and track_artists (the lake's committed rows, or only the weeks an increment adds).

-- An id's keys, from its name, its credited artists (sorted, joined by chr(31); NULL without track_artists rows)
-- and the chart's artist string. The state keeps none of them but title_artists_key (songs-add-keys.sql makes them
-- again for the few ids an increment reads whole): the title the same case, spacing and apostrophes aside...
CREATE OR REPLACE TEMP MACRO song_title_key(name) AS
  trim(regexp_replace(replace(lower(name), '’', ''''), '\s+', ' ', 'g'));
-- ... and without any part in parentheses or brackets (what a handover compares) ...
CREATE OR REPLACE TEMP MACRO song_loose_title_key(name) AS
  trim(regexp_replace(regexp_replace(replace(lower(name), '’', ''''), '\s*[\(\[][^\)\]]*[\)\]]', '', 'g'), '\s+', ' ', 'g'));
-- ... and the set of artists: the credited ones, else the chart's artist string split at ", ".
CREATE OR REPLACE TEMP MACRO song_artists_key(credits, artist_names) AS
  coalesce(credits, array_to_string(list_sort(list_distinct(list_transform(string_split(artist_names, ', '), name -> lower(trim(name))))), chr(31)));
-- The title and artists as one number (a stable digest), so an increment finds the ids of the same title and
-- artists as a new one without reading every id's strings; songs-links.sql compares the strings themselves.
CREATE OR REPLACE TEMP MACRO song_title_artists_key(title_key, artists) AS md5_number_upper(title_key || chr(31) || artists);
-- Rows of the state (of a table named), with the keys it does not keep.
CREATE OR REPLACE TEMP MACRO with_song_keys(state) AS TABLE
SELECT *,
  song_title_key(track_name) AS title_key,
  song_loose_title_key(track_name) AS loose_title_key,
  song_artists_key(credits, artist_names) AS artists
FROM query_table(state);

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
    -- the names of its newest week, best rank, then chart: one id at one rank of one week on two charts may be
    -- named differently on each, and a tie would pick either (a random test met it)
    arg_max(track_name, (week, -rank, chart)) AS track_name,
    arg_max(artist_names, (week, -rank, chart)) AS artist_names
  -- the names straight from the chart rows: song_entries leaves them out (its window would carry them)
  FROM (SELECT track_id, chart, CAST(week AS DATE) AS week, rank, track_name, artist_names FROM chart_entries WHERE track_id IS NOT NULL)
  GROUP BY track_id
)
SELECT *, song_title_artists_key(title_key, artists) AS title_artists_key
FROM (
  SELECT
    i.*,
    -- Lists of names are kept as one string (sorted, joined by the unit separator, chr(31)): the state holds one per
    -- id, and a list column doubled the time to write and read it back.
    -- The credited artists as track_artists lists them (NULL without rows): an increment compares it with the state's.
    array_to_string(c.artists, chr(31)) AS credits,
    song_title_key(i.track_name) AS title_key,
    song_loose_title_key(i.track_name) AS loose_title_key,
    song_artists_key(array_to_string(c.artists, chr(31)), i.artist_names) AS artists,
    s.isrc
  FROM ids AS i
  LEFT JOIN credits AS c USING (track_id)
  LEFT JOIN isrcs AS s USING (track_id)
);

-- The ids whose ISRC and title links songs-links.sql looks for (with every id of song_ids): all of them here; an
-- increment, whose state holds the links between the ids seen before, names only the new ones (songs-add-keys.sql).
CREATE OR REPLACE TEMP VIEW song_link_ids AS SELECT track_id FROM song_ids;
