-- Whether the lake has a forecasts table (chartlake forecast writes it).
SELECT count(*) AS found FROM information_schema.tables WHERE table_name = 'forecasts'
