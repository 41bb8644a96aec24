-- The raw objects of a batch: one row each, with the chart week and region their key names.
-- Parameters: {{paths}}, {{charts}}, {{weeks}}, {{regions}}
CREATE TEMP TABLE batch_file AS
SELECT CAST(i AS INTEGER) - 1 AS file_id, {{paths}}[i] AS path, {{charts}}[i] AS chart, {{weeks}}[i] AS week, {{regions}}[i] AS region
FROM range(1, len({{paths}}) + 1) AS t(i);
