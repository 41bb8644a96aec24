-- The body of a table's view over its Parquet files, with chart= and week= as typed columns. {{files}} is the
-- table's glob when it has one schema version and no drift (binding reads one footer), else the catalogued files
-- (drifted ones left out) with union_by_name: a column added in a later version reads as NULL in older partitions.
SELECT *
FROM read_parquet({{files}}, hive_partitioning = true, union_by_name = {{union_by_name}}, hive_types = {'chart': VARCHAR, 'week': DATE})
