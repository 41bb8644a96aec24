-- The files of a batch that fail a quality gate: csv-checks.sql and checks.sql per file (allowed size 200, not
-- enriched), one row per failing file_id. A failing file is transformed again alone, which writes its report.
-- Parameters: {{today}}
WITH size AS (
  SELECT f.file_id, count(e.file_id) AS n, count(DISTINCT e.rank) AS distinct_ranks, min(e.rank) AS lowest, max(e.rank) AS highest
  FROM batch_file AS f
  LEFT JOIN batch_chart_entries AS e USING (file_id)
  GROUP BY f.file_id
)
SELECT file_id FROM batch_csv_row
WHERE TRY_CAST(rank AS INTEGER) IS NULL OR TRY_CAST(peak_rank AS INTEGER) IS NULL OR TRY_CAST(previous_rank AS INTEGER) IS NULL
  OR TRY_CAST(weeks_on_chart AS INTEGER) IS NULL OR TRY_CAST(streams AS BIGINT) IS NULL
UNION
SELECT file_id FROM size WHERE n <> 200 OR NOT (lowest = 1 AND highest = n AND distinct_ranks = n)
UNION
SELECT file_id FROM batch_chart_entries WHERE rank IS NULL OR track_id IS NULL OR streams <= 0
UNION
SELECT file_id FROM batch_chart_entries WHERE rank IS NOT NULL GROUP BY file_id, rank HAVING count(*) > 1
UNION
SELECT file_id FROM batch_chart_entries WHERE track_id IS NOT NULL GROUP BY file_id, track_id HAVING count(*) > 1
UNION
SELECT file_id FROM (
  SELECT file_id, streams, lag(streams) OVER (PARTITION BY file_id ORDER BY rank) AS streams_above
  FROM batch_chart_entries WHERE rank IS NOT NULL
) WHERE streams > streams_above
UNION
SELECT file_id FROM batch_file
WHERE CAST(week AS DATE) > CAST({{today}} AS DATE) OR dayofweek(CAST(week AS DATE)) <> 4
