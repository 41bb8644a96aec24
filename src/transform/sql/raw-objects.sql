-- The raw objects of one transform, one row each (lists of equal length, one element per object).
-- Parameters: {{raw_keys}}, {{paths}}, {{charts}}, {{weeks}}, {{regions}}, {{source_kinds}}, {{api_modes}},
-- {{fetched_at}}, {{sha256}}, {{content_sha256}}, {{in_batch}}
INSERT INTO raw_object
SELECT
  CAST(i AS INTEGER) - 1,
  {{raw_keys}}[i],
  NULLIF({{paths}}[i], ''),
  {{charts}}[i],
  CAST({{weeks}}[i] AS DATE),
  {{regions}}[i],
  {{source_kinds}}[i],
  {{api_modes}}[i],
  NULLIF({{fetched_at}}[i], ''),
  {{sha256}}[i],
  NULLIF({{content_sha256}}[i], ''),
  {{in_batch}}[i] = 1
FROM range(1, len({{raw_keys}}) + 1) AS t(i);
