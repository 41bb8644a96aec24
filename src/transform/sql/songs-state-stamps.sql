-- Whether the state was written whole: the parts written by every rebuild carry one stamp and name the stamp of
-- the ids file, which is written whole only now and then (the stamp's prefix says by which rules).
SELECT
  count(DISTINCT stamp) FILTER (WHERE NOT whole_ids) AS stamps,
  min(stamp) FILTER (WHERE NOT whole_ids) AS stamp,
  count(*) FILTER (WHERE NOT whole_ids AND stamp IS NOT NULL) AS parts,
  count(*) FILTER (WHERE whole_ids AND stamp IS NOT NULL) AS whole_parts,
  count(DISTINCT ids_stamp) FILTER (WHERE NOT whole_ids) = 1
    AND min(ids_stamp) FILTER (WHERE NOT whole_ids) = min(stamp) FILTER (WHERE whole_ids) AS ids_match
FROM state_stamps;
