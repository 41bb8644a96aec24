-- The body of the view of a table written by the transform: its rows of committed chart weeks only (the week's
-- lineage row names the run that wrote them; lineage is written after the tables). `_committed` holds the chart,
-- week, run_id and chart_entries_rows of every lineage row (`_runs`), read once per engine. `run_id` is left out;
-- `chart` and `year` are the partition folders: a filter on `year` reads only that year's files (here and on Athena).
SELECT t.* EXCLUDE (run_id)
FROM read_parquet({{files}}, hive_partitioning = true, union_by_name = {{union_by_name}}, hive_types = {'chart': VARCHAR, 'year': INTEGER}) AS t
SEMI JOIN _committed AS r ON r.chart = t.chart AND r.week = t.week AND r.run_id = t.run_id
