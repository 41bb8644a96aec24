-- Quality gates, per raw object (DESIGN.md, "Quality"): what is corrupt is refused (the object is left out of its
-- week and quarantined); what is imperfect but real is kept with a warning in the week's lineage.
-- Parameters: {{today}}
CREATE OR REPLACE TEMP TABLE entry_size AS
SELECT
  o.raw_id,
  o.source_kind,
  count(e.raw_id) AS n,
  max(e.rank) AS highest,
  -- The chart's size as the source promises it: 200 for a CSV, 50 (public) or 200 (logged in) for the charts
  -- service; a playlist has what it has.
  CASE o.source_kind
    WHEN 'charts-csv' THEN 200
    WHEN 'charts-service' THEN CASE WHEN count(e.raw_id) <= 50 AND coalesce(max(e.rank), 0) <= 50 THEN 50 ELSE 200 END
    ELSE count(e.raw_id)
  END AS size
FROM raw_object AS o
LEFT JOIN stage_entry AS e USING (raw_id)
WHERE o.source_kind <> 'enrichment'
GROUP BY o.raw_id, o.source_kind;

-- Text a chart never has: a NUL byte (shown as \0, never echoed raw), or a value past 1,000 characters (the longest
-- real track names are under 200; a 1 MB name would only be carried into every table, report and quarantine file).
INSERT INTO refusal
SELECT raw_id, check_name, 'rank ' || coalesce(CAST(rank AS VARCHAR), '?') || ': ' || column_name || ' ' || detail
FROM (
  SELECT raw_id, rank, column_name,
    CASE WHEN contains(value, chr(0)) THEN 'nul_character' ELSE 'text_too_long' END AS check_name,
    CASE WHEN contains(value, chr(0)) THEN 'holds a NUL byte (\0) at character ' || strpos(value, chr(0)) || '; no chart value has one'
      ELSE 'is ' || length(value) || ' characters long; a chart value has at most 1000' END AS detail
  FROM (
    SELECT raw_id, rank, 'track_name' AS column_name, track_name AS value FROM stage_entry
    UNION ALL SELECT raw_id, rank, 'artist_names', artist_names FROM stage_entry
    UNION ALL SELECT raw_id, rank, 'label', label FROM stage_entry
  )
  WHERE length(value) > 1000 OR contains(value, chr(0))
);

INSERT INTO refusal
SELECT raw_id, 'not_a_number', 'line ' || line || ': ' || column_name || ' is ' || coalesce('"' || left(value, 80) || '"', 'empty')
FROM (
  SELECT raw_id, line, 'rank' AS column_name, rank AS value FROM csv_row WHERE TRY_CAST(rank AS INTEGER) IS NULL
  UNION ALL SELECT raw_id, line, 'peak_rank', peak_rank FROM csv_row WHERE TRY_CAST(peak_rank AS INTEGER) IS NULL
  UNION ALL SELECT raw_id, line, 'previous_rank', previous_rank FROM csv_row WHERE TRY_CAST(previous_rank AS INTEGER) IS NULL
  UNION ALL SELECT raw_id, line, 'weeks_on_chart', weeks_on_chart FROM csv_row WHERE TRY_CAST(weeks_on_chart AS INTEGER) IS NULL
  UNION ALL SELECT raw_id, line, 'streams', streams FROM csv_row WHERE TRY_CAST(streams AS BIGINT) IS NULL
)
UNION ALL
SELECT raw_id, 'no_entries', 'the chart has no entries' FROM entry_size WHERE n = 0
UNION ALL
SELECT raw_id, 'too_many_entries', 'the chart has ' || n || ' entries; a ' || source_kind || ' chart has at most ' || size
FROM entry_size WHERE n > size
UNION ALL
SELECT e.raw_id, 'rank_out_of_range', 'rank ' || e.rank || ' (' || coalesce(left(e.track_name, 80), '?') || ') is outside 1..' || s.size
FROM stage_entry AS e JOIN entry_size AS s USING (raw_id)
WHERE e.rank IS NOT NULL AND (e.rank < 1 OR e.rank > s.size)
UNION ALL
SELECT raw_id, 'rank_missing', 'entry ' || coalesce(left(track_name, 80), '?') || ' has no rank'
FROM stage_entry WHERE rank IS NULL AND raw_id NOT IN (SELECT raw_id FROM raw_object WHERE source_kind = 'charts-csv')
UNION ALL
SELECT raw_id, 'duplicate_rank', 'rank ' || rank || ' appears ' || count(*) || ' times'
FROM stage_entry WHERE rank IS NOT NULL GROUP BY raw_id, rank HAVING count(*) > 1
UNION ALL
SELECT raw_id, 'bad_track_id', 'rank ' || coalesce(CAST(rank AS VARCHAR), '?') || ' (' || coalesce(left(track_name, 80), '?') || ') has no valid 22-character base62 track id'
FROM stage_entry WHERE track_id IS NULL
UNION ALL
SELECT raw_id, 'duplicate_track', 'track ' || track_id || ' is at ranks ' || array_to_string(list(rank ORDER BY rank), ', ')
FROM stage_entry WHERE track_id IS NOT NULL GROUP BY raw_id, track_id HAVING count(*) > 1
UNION ALL
SELECT raw_id, 'streams_not_positive', 'rank ' || rank || ' has streams ' || streams
FROM stage_entry WHERE streams IS NOT NULL AND streams <= 0
UNION ALL
SELECT raw_id, 'week_in_future', 'chart week ' || week || ' is after today (' || {{today}} || ')'
FROM raw_object WHERE week > CAST({{today}} AS DATE)
UNION ALL
SELECT raw_id, 'week_not_thursday', 'chart week ' || week || ' is a ' || dayname(week) || '; weekly charts end on a Thursday'
FROM raw_object WHERE dayofweek(week) <> 4
-- An envelope that says it was enriched must hold the objects of what it charts.
UNION ALL
SELECT e.raw_id, 'track_not_enriched', 'track ' || e.track_id || ' has no track object in the envelope'
FROM stage_entry_track AS e JOIN raw_object AS o USING (raw_id)
WHERE o.api_mode <> 'none' AND NOT EXISTS (SELECT 1 FROM track_object AS t WHERE t.raw_id = e.raw_id AND t.track_id = e.track_id)
UNION ALL
SELECT t.raw_id, 'album_not_enriched', 'album ' || (t.t->>'$.album.id') || ' has no album object in the envelope'
FROM track_object AS t JOIN raw_object AS o USING (raw_id)
WHERE o.api_mode <> 'none' AND (t.t->>'$.album.id') IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM album_object AS a WHERE a.raw_id = t.raw_id AND a.album_id = (t.t->>'$.album.id'))
UNION ALL
SELECT t.raw_id, 'artist_not_enriched', 'artist ' || (credit->>'$.id') || ' has no artist object in the envelope'
FROM (SELECT raw_id, unnest(from_json(t->'$.artists', '["JSON"]')) AS credit FROM track_object) AS t
JOIN raw_object AS o USING (raw_id)
WHERE o.api_mode <> 'none' AND (credit->>'$.id') IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM artist_object AS a WHERE a.raw_id = t.raw_id AND a.artist_id = (credit->>'$.id'));

-- Imperfect but real: Spotify removes entries from published charts, so a week may lack ranks.
INSERT INTO warning
SELECT raw_id, 'entries_missing',
  n || ' of ' || size || ' entries; absent rank(s): ' ||
  array_to_string(list_slice(missing, 1, 20), ', ') || CASE WHEN len(missing) > 20 THEN ', ...' ELSE '' END
FROM (
  SELECT s.raw_id, s.n, s.size,
    list_filter(range(1, s.size + 1), r -> NOT list_contains(coalesce(ranks.present, []), r)) AS missing
  FROM entry_size AS s
  LEFT JOIN (SELECT raw_id, list(rank) AS present FROM stage_entry WHERE rank IS NOT NULL GROUP BY raw_id) AS ranks USING (raw_id)
  -- n = size: no rank is missing unless one is doubled or out of range, which is refused (not warned) anyway
  WHERE s.n > 0 AND s.n < s.size AND s.source_kind <> 'playlist'
)
WHERE len(missing) > 0 AND raw_id NOT IN (SELECT raw_id FROM refusal)
UNION ALL
SELECT raw_id, 'streams_rise_as_rank_falls', 'rank ' || rank || ' has ' || streams || ' streams, more than rank ' || rank_above || ' (' || streams_above || ')'
FROM (
  SELECT raw_id, rank, streams, lag(streams) OVER w AS streams_above, lag(rank) OVER w AS rank_above
  FROM stage_entry WHERE rank IS NOT NULL
  WINDOW w AS (PARTITION BY raw_id ORDER BY rank)
)
WHERE streams IS NOT NULL AND streams_above IS NOT NULL AND streams > streams_above;
