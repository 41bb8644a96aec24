-- The compact layout, as chartlake writes it: one file per chart and year, sorted by week and rank.
-- Parameters: {{out}}
COPY (SELECT *, year(week) AS year FROM limit_rows ORDER BY chart, week, rank)
TO {{out}} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (chart, year))
