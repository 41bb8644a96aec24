-- Whether the state was written whole (its parts carry one stamp) and by which rules (the stamp's prefix).
SELECT count(DISTINCT stamp) AS stamps, min(stamp) AS stamp, count(DISTINCT file_name) AS parts FROM state_stamps;
