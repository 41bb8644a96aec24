-- The `_runs` view: one row per committed chart week, from its lineage row (the raw objects it was built from and
-- the one whose chart rows were kept, its depth, whether it is enriched, rows per table, warnings, code version).
SELECT *
FROM read_parquet({{files}}, hive_partitioning = true, union_by_name = {{union_by_name}}, hive_types = {'chart': VARCHAR, 'year': INTEGER})
