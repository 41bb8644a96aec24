-- A CSV track's credited artists, from its split artist list (artist_splits, split-artists.sql), in credited order.
INSERT INTO stage_entry_track
SELECT e.raw_id, e.track_id, any_value(e.track_name), coalesce(any_value(split.artists), [])
FROM stage_entry AS e
LEFT JOIN (
  SELECT artist_names, list({'id': NULL::VARCHAR, 'name': artist_name} ORDER BY position) AS artists
  FROM artist_splits
  GROUP BY artist_names
) AS split USING (artist_names)
WHERE e.track_id IS NOT NULL AND e.raw_id IN (SELECT raw_id FROM csv_row)
GROUP BY e.raw_id, e.track_id;
