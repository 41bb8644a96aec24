-- The body of a lake-wide table's view (one file, no partition folders: song identity, songwriter credits).
SELECT *
FROM read_parquet({{files}}, hive_partitioning = false, union_by_name = {{union_by_name}})
