-- The body of a table's view: every partition file, with chart= and week= as typed columns.
-- union_by_name: a column added in a later schema version reads as NULL in older partitions.
SELECT *
FROM read_parquet({{glob}}, hive_partitioning = true, union_by_name = true, hive_types = {'chart': VARCHAR, 'week': DATE})
