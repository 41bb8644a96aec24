-- Song identity when the lake committed no week since the state: the state as it is.
-- No file of songs is written again.
CREATE TEMP TABLE songs_years (first_year BIGINT);
CREATE TEMP VIEW next_ids AS SELECT * FROM state_all_ids;
CREATE TEMP VIEW next_links AS SELECT * FROM state_links;
CREATE TEMP TABLE changed_ids AS SELECT track_id FROM state_changed_ids;
CREATE TEMP VIEW next_changed_ids AS SELECT * FROM state_changed_ids;
