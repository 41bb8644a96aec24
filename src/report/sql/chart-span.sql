-- The weeks of one chart within the range.
SELECT CAST(min(CAST(week AS DATE)) AS VARCHAR) AS first_week, CAST(max(CAST(week AS DATE)) AS VARCHAR) AS last_week,
  count(DISTINCT week) AS weeks, count(DISTINCT track_id) AS songs, sum(streams) AS streams
FROM chart_entries
WHERE chart = ? AND CAST(week AS DATE) BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
