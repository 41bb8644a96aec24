-- Each chart of the lake with its first and last week, its weeks and rows, the biggest (most rows) first: where a
-- saved analysis, the report and a forecast start when no chart or range is given. Athena runs this one; DuckDB
-- over a lake reads the same from the committed weeks it holds already (chart-spans-committed.sql).
SELECT chart,
       CAST(min(CAST(week AS DATE)) AS VARCHAR) AS first_week,
       CAST(max(CAST(week AS DATE)) AS VARCHAR) AS last_week,
       count(DISTINCT week) AS weeks,
       count(*) AS chart_rows
FROM chart_entries
GROUP BY chart
ORDER BY chart_rows DESC, chart
