-- The committed chart weeks of the lineage files {{files}}, each row with the lineage object it was read from
-- (`lineage_objects`: file, key, version), so that the next increment reads again only the objects that changed.
INSERT INTO committed
SELECT r.chart, CAST(r.week AS DATE), r.run_id, o.lineage_key, o.lineage_version
FROM read_parquet({{files}}, hive_partitioning = true, union_by_name = true, filename = true, hive_types = {'chart': VARCHAR, 'year': INTEGER}) AS r
JOIN lineage_objects AS o ON o.file = r.filename;
