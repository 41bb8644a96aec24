-- Chart weeks enriched by the Web API, per chart, from the lineage view (once it records enrichment).
SELECT chart, count(*) FILTER (WHERE enriched) AS enriched_weeks
FROM _runs
GROUP BY chart
