-- Values of a Charts CSV that are not what the column promises, by line of the file.
SELECT 'not_a_number' AS check_name, 'line ' || line || ': ' || column_name || ' is ' || coalesce('"' || value || '"', 'empty') AS detail
FROM (
  SELECT line, 'rank' AS column_name, rank AS value FROM csv_row WHERE TRY_CAST(rank AS INTEGER) IS NULL
  UNION ALL SELECT line, 'peak_rank', peak_rank FROM csv_row WHERE TRY_CAST(peak_rank AS INTEGER) IS NULL
  UNION ALL SELECT line, 'previous_rank', previous_rank FROM csv_row WHERE TRY_CAST(previous_rank AS INTEGER) IS NULL
  UNION ALL SELECT line, 'weeks_on_chart', weeks_on_chart FROM csv_row WHERE TRY_CAST(weeks_on_chart AS INTEGER) IS NULL
  UNION ALL SELECT line, 'streams', streams FROM csv_row WHERE TRY_CAST(streams AS BIGINT) IS NULL
)
ORDER BY line;
