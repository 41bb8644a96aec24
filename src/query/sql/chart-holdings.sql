-- What the lake holds per chart: chart weeks, the first and the last, and the chart's depth (entries per week,
-- fewest and most: 50 from the public charts service, 200 from a CSV or a token).
WITH per_week AS (
  SELECT chart, week, count(*) AS entries
  FROM chart_entries
  GROUP BY chart, week
)
SELECT
  chart,
  count(*) AS weeks,
  CAST(min(week) AS VARCHAR) AS first_week,
  CAST(max(week) AS VARCHAR) AS last_week,
  min(entries) AS min_depth,
  max(entries) AS max_depth
FROM per_week
GROUP BY chart
ORDER BY chart
