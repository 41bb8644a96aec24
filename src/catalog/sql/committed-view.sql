-- The body of the view of a table written by the transform: its rows of committed chart weeks only (the week's
-- lineage row names the run that wrote them; lineage is written after the tables). `year` (a partition folder) and
-- `run_id` are left out: the view shows the table's own columns, with `chart` and `week`.
SELECT t.* EXCLUDE (year, run_id)
FROM read_parquet({{files}}, hive_partitioning = true, union_by_name = {{union_by_name}}, hive_types = {'chart': VARCHAR, 'year': INTEGER}) AS t
SEMI JOIN _runs AS r ON r.chart = t.chart AND r.week = t.week AND r.run_id = t.run_id
