-- Whether the lake has a table or view of this name (forecasts, song_credits: written by optional commands).
SELECT count(*) AS found FROM information_schema.tables WHERE table_name = ?
