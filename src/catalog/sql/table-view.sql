-- The body of a table's view: the catalogued partition files (drifted ones left out), with chart= and week= as
-- typed columns. union_by_name: a column added in a later schema version reads as NULL in older partitions.
-- The files are listed, not globbed, so a file the crawler has not seen (or found drifted) is never read.
SELECT *
FROM read_parquet({{files}}, hive_partitioning = true, union_by_name = true, hive_types = {'chart': VARCHAR, 'week': DATE})
