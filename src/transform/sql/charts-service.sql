-- Flattens `chartEntryViewResponses[].entries[]` of the Spotify Charts web service.
INSERT INTO stage_entry
SELECT
  raw_id,
  ordinal,
  TRY_CAST(e->>'$.chartEntryData.currentRank' AS INTEGER),
  NULLIF(regexp_extract(e->>'$.trackMetadata.trackUri', '^spotify:track:([0-9A-Za-z]{22})$', 1), ''),
  e->>'$.trackMetadata.trackName',
  array_to_string(e->>'$.trackMetadata.artists[*].name', ', '),
  NULLIF(array_to_string(e->>'$.trackMetadata.labels[*].name', ', '), ''),
  TRY_CAST(e->>'$.chartEntryData.rankingMetric.value' AS BIGINT),
  TRY_CAST(e->>'$.chartEntryData.peakRank' AS INTEGER),
  NULLIF(TRY_CAST(e->>'$.chartEntryData.previousRank' AS INTEGER), -1),
  TRY_CAST(e->>'$.chartEntryData.appearancesOnChart' AS INTEGER),
  e->>'$.chartEntryData.entryStatus'
FROM entry;

INSERT INTO stage_entry_track
SELECT
  raw_id,
  track_id,
  any_value(e->>'$.trackMetadata.trackName'),
  any_value(list_transform(
    from_json(e->'$.trackMetadata.artists', '[{"name": "VARCHAR", "spotifyUri": "VARCHAR"}]'),
    a -> {'id': NULLIF(regexp_extract(a.spotifyUri, '^spotify:artist:([0-9A-Za-z]{22})$', 1), ''), 'name': a.name}
  ))
FROM (
  SELECT raw_id, e, NULLIF(regexp_extract(e->>'$.trackMetadata.trackUri', '^spotify:track:([0-9A-Za-z]{22})$', 1), '') AS track_id
  FROM entry
)
WHERE track_id IS NOT NULL
GROUP BY raw_id, track_id;
