-- The body of a per-chart table's view over its Parquet files ({{files}}: the table's glob, or its catalogued
-- files when some drifted), with the Hive partitions chart= and year= as typed columns; union_by_name when there
-- are several schema versions (a column added later reads as NULL in older files).
SELECT *
FROM read_parquet({{files}}, hive_partitioning = true, union_by_name = {{union_by_name}}, hive_types = {'chart': VARCHAR, 'year': INTEGER})
