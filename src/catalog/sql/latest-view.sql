-- One row per id ($id) of $table: the newest week, preferring rows the Web API enriched over what a CSV said.
SELECT * EXCLUDE (observation)
FROM (
  SELECT *, row_number() OVER (PARTITION BY $id ORDER BY (name IS NOT NULL AND $id IS NOT NULL) DESC, week DESC, chart) AS observation
  FROM $table
)
WHERE observation = 1
