SELECT CAST(t.week AS DATE) AS week, t.track_id, b.release_date
FROM tracks t
JOIN albums b ON b.chart = t.chart AND b.week = t.week AND b.album_id = t.album_id
WHERE t.chart = (SELECT chart FROM params) AND b.release_date IS NOT NULL
