-- Songwriters: streams of the songs they wrote, share of the chart's streams, charting songs and weeks at number 1
-- params: chart VARCHAR, from_week DATE, to_week DATE
-- Credits come from MusicBrainz work relationships (composer, lyricist, writer), looked up by the track's ISRC
-- (song_credits). Every writer of a co-written song gets the song's full streams, so shares add up to more than
-- 100 %; a writer with several roles on one song (composer and lyricist) counts it once. credited_share_pct is
-- the share of the chart's streams whose song has any known writer: the rest is unknown, not guessed.
-- Songs are counted as songs (song_id, the songs table), whatever track ids Spotify gave them.
WITH params AS (
  SELECT CAST(? AS VARCHAR) AS chart, CAST(? AS DATE) AS from_week, CAST(? AS DATE) AS to_week
),
entries AS (
  SELECT e.chart, e.week, e.rank, e.track_id, s.song_id, e.streams
  FROM chart_entries AS e
  JOIN songs AS s ON s.track_id = e.track_id
  CROSS JOIN params AS p
  WHERE e.chart = p.chart AND CAST(e.week AS DATE) BETWEEN p.from_week AND p.to_week
    -- the partition columns: only the chart's files of the range's years are read (here and on Athena)
    AND CAST(e.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
),
entry_isrcs AS (
  SELECT DISTINCT e.week, e.rank, e.track_id, e.song_id, e.streams, t.isrc
  FROM entries AS e
  JOIN tracks AS t ON t.track_id = e.track_id AND t.chart = e.chart AND t.week = e.week
  CROSS JOIN params AS p
  -- each table's own partitions, not only the chart rows': only the chart's files of the range's years are read
  WHERE t.isrc IS NOT NULL AND t.chart = p.chart AND CAST(t.year AS INTEGER) BETWEEN year(p.from_week) AND year(p.to_week)
),
writers AS (
  SELECT DISTINCT isrc, person_mbid, person_name FROM song_credits
),
credits AS (
  SELECT DISTINCT e.week, e.rank, e.track_id, e.song_id, e.streams, w.person_mbid, w.person_name
  FROM entry_isrcs AS e
  JOIN writers AS w ON w.isrc = e.isrc
),
credited AS (
  SELECT sum(streams) AS streams FROM (SELECT DISTINCT week, rank, streams FROM credits) AS c
),
total AS (
  SELECT sum(streams) AS streams FROM entries
)
SELECT
  c.person_name AS songwriter,
  c.person_mbid,
  sum(c.streams) AS streams,
  round(100 * CAST(sum(c.streams) AS DOUBLE) / max(t.streams), 2) AS share_pct,
  count(DISTINCT c.song_id) AS charting_songs,
  count(DISTINCT c.week) AS weeks_on_chart,
  count(DISTINCT CASE WHEN c.rank = 1 THEN c.week END) AS weeks_at_number_1,
  min(c.rank) AS best_rank,
  round(100 * CAST(max(k.streams) AS DOUBLE) / max(t.streams), 2) AS credited_share_pct
FROM credits AS c, total AS t, credited AS k
GROUP BY c.person_mbid, c.person_name
ORDER BY streams DESC, charting_songs DESC, songwriter
LIMIT 50
