-- The committed chart weeks of the lineage files {{files}} (those the cache of `_committed` does not hold as they
-- are now), each row with the state of the file it was read from (`_lineage_files`: theirs), as `_runs` reads them.
INSERT INTO _committed_files
SELECT f.state, r.chart, r.week, r.run_id, r.chart_entries_rows
FROM read_parquet({{files}}, hive_partitioning = true, union_by_name = true, filename = true, hive_types = {'chart': VARCHAR, 'year': INTEGER}) AS r
JOIN _lineage_files AS f ON f.file = r.filename
