-- The chart weeks of the range and how deep each chart was (`_runs.depth`: 50 or 200 entries), so that a song
-- missing from a shallow week is "not shown", never a drop-out. A week without a lineage row falls back to its
-- deepest rank.
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
),
weeks AS (
  SELECT CAST(e.week AS DATE) AS week_date, max(e.rank) AS deepest_rank
  FROM chart_entries AS e, params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
    AND CAST(e.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
  GROUP BY 1
),
depths AS (
  SELECT CAST(r.week AS DATE) AS week_date, max(r.depth) AS depth
  FROM _runs AS r, params AS p
  WHERE r.chart = p.chart
  GROUP BY 1
)
SELECT CAST(w.week_date AS VARCHAR) AS week, CAST(coalesce(d.depth, w.deepest_rank) AS INTEGER) AS depth
FROM weeks AS w
LEFT JOIN depths AS d ON d.week_date = w.week_date
ORDER BY w.week_date
