-- Quality gates of one chart week, run before anything is written to transformed/.
-- One row per failure: (check_name, detail). No row means the week passes.
-- Parameters: {{week}}, {{today}}, {{allowed_sizes}}, {{enriched}}
WITH
ranked AS (SELECT * FROM chart_entries WHERE rank IS NOT NULL),
size AS (SELECT count(*) AS n, count(DISTINCT rank) AS distinct_ranks, min(rank) AS lowest, max(rank) AS highest FROM chart_entries),
ordered AS (
  SELECT rank, streams, lag(streams) OVER (ORDER BY rank) AS streams_above, lag(rank) OVER (ORDER BY rank) AS rank_above
  FROM ranked
)
SELECT 'entry_count' AS check_name, 'the chart has ' || n || ' entries; the source promises one of ' || array_to_string({{allowed_sizes}}, ', ') AS detail
FROM size WHERE NOT list_contains({{allowed_sizes}}, n)
UNION ALL
SELECT 'rank_missing', 'entry ' || track_name || ' has no rank' FROM chart_entries WHERE rank IS NULL
UNION ALL
SELECT 'ranks_not_1_to_n', 'ranks run from ' || lowest || ' to ' || highest || ' with ' || distinct_ranks || ' distinct values over ' || n || ' entries'
FROM size WHERE n > 0 AND NOT (lowest = 1 AND highest = n AND distinct_ranks = n)
UNION ALL
SELECT 'duplicate_rank', 'rank ' || rank || ' appears ' || count(*) || ' times' FROM ranked GROUP BY rank HAVING count(*) > 1
UNION ALL
SELECT 'bad_track_id', 'rank ' || coalesce(CAST(rank AS VARCHAR), '?') || ' (' || coalesce(track_name, '?') || ') has no valid 22-character base62 track id'
FROM chart_entries WHERE track_id IS NULL
UNION ALL
SELECT 'duplicate_track', 'track ' || track_id || ' is at ranks ' || array_to_string(list(rank ORDER BY rank), ', ')
FROM chart_entries WHERE track_id IS NOT NULL GROUP BY track_id HAVING count(*) > 1
UNION ALL
SELECT 'streams_not_positive', 'rank ' || rank || ' has streams ' || streams FROM ranked WHERE streams IS NOT NULL AND streams <= 0
UNION ALL
SELECT 'streams_rise_as_rank_falls', 'rank ' || rank || ' has ' || streams || ' streams, more than rank ' || rank_above || ' (' || streams_above || ')'
FROM ordered WHERE streams IS NOT NULL AND streams_above IS NOT NULL AND streams > streams_above
UNION ALL
SELECT 'week_in_future', 'chart week ' || {{week}} || ' is after today (' || {{today}} || ')' WHERE CAST({{week}} AS DATE) > CAST({{today}} AS DATE)
UNION ALL
SELECT 'week_not_thursday', 'chart week ' || {{week}} || ' is a ' || dayname(CAST({{week}} AS DATE)) || '; weekly charts end on a Thursday'
WHERE dayofweek(CAST({{week}} AS DATE)) <> 4
UNION ALL
SELECT 'track_not_enriched', 'track ' || track_id || ' has no track object in the envelope'
FROM entry_track WHERE {{enriched}} AND track_id NOT IN (SELECT track_id FROM track_object)
UNION ALL
SELECT 'album_not_enriched', 'album ' || album_id || ' has no album object in the envelope'
FROM tracks WHERE {{enriched}} AND album_id IS NOT NULL AND album_id NOT IN (SELECT album_id FROM album_object)
UNION ALL
SELECT 'artist_not_enriched', 'artist ' || artist_id || ' has no artist object in the envelope'
FROM (SELECT DISTINCT artist_id FROM track_artists WHERE artist_id IS NOT NULL)
WHERE {{enriched}} AND artist_id NOT IN (SELECT artist_id FROM artist_object);
