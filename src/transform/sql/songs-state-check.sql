-- Whether the state can be used: its weeks all still committed as they were, and every added week after its
-- chart's newest in the state (an older week can hand a run over to ids the state already placed).
SELECT
  (SELECT count(*) FROM (SELECT chart, week, run_id FROM state_weeks EXCEPT SELECT chart, week, run_id FROM committed)) AS gone,
  (SELECT count(*) FROM added_weeks AS a
    JOIN (SELECT chart, max(week) AS newest FROM state_weeks GROUP BY chart) AS s USING (chart)
    WHERE a.week <= s.newest) AS older,
  (SELECT count(*) FROM added_weeks) AS added;
