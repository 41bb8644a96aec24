-- The rows of one lake table that `chartlake export` writes: narrowed to a chart and a week range where the
-- table has those columns (a NULL value means no filter). The table name is checked against the lake's views.
SELECT *
FROM __TABLE__
WHERE ({{chart}} IS NULL OR chart = {{chart}})
  AND ({{from_week}} IS NULL OR week >= CAST({{from_week}} AS DATE))
  AND ({{to_week}} IS NULL OR week <= CAST({{to_week}} AS DATE))
