-- A CSV track's credited artists, from its split artist list (artist_splits, split-artists.sql), in credited order.
-- One row per entry: a track twice in one chart is refused (gates.sql, duplicate_track), so no grouping is needed.
INSERT INTO stage_entry_track
SELECT e.raw_id, e.track_id, e.track_name, coalesce(split.artists, [])
FROM stage_entry AS e
LEFT JOIN (
  SELECT artist_names, list({'id': NULL::VARCHAR, 'name': artist_name} ORDER BY position) AS artists
  FROM artist_splits
  GROUP BY artist_names
) AS split USING (artist_names)
WHERE e.track_id IS NOT NULL AND e.raw_id IN (SELECT raw_id FROM raw_object WHERE source_kind = 'charts-csv');
