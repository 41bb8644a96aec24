-- The songs of a lake that MusicBrainz can be asked about: every distinct ISRC of the tracks table, with a name.
SELECT isrc, min(name) AS title
FROM tracks
WHERE isrc IS NOT NULL
GROUP BY isrc
ORDER BY isrc
