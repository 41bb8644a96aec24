-- The chart with the most rows, and its first and last week: the report's range when none is given.
SELECT chart, CAST(min(CAST(week AS DATE)) AS VARCHAR) AS first_week, CAST(max(CAST(week AS DATE)) AS VARCHAR) AS last_week, count(DISTINCT week) AS weeks
FROM chart_entries
GROUP BY chart
ORDER BY count(*) DESC, chart
LIMIT 1
