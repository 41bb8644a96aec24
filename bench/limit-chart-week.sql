-- The per-week layout of chartlake 0.1 (for comparison with its figures): one file per chart and week.
-- Parameters: {{out}}
COPY (SELECT * FROM limit_rows)
TO {{out}} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (chart, week))
