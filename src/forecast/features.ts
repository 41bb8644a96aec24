import * as path from 'node:path';
import { loadSql } from '../query/sql';
import type { QueryEngine } from '../query/engine';

const SQL_DIR = path.join(__dirname, 'sql');

/** One song on one chart week, with what was known at that week (sql/features.sql). */
export interface FeatureRow {
  week: string;
  /** The song (songs.song_id): labels and lags follow it across its track ids. */
  song_id: string;
  track_id: string;
  track_name: string | null;
  artist_names: string | null;
  rank: number;
  streams: number | null;
  peak_rank: number | null;
  weeks_on_chart: number | null;
  entry_status: string | null;
  chart_size: number;
  history_weeks: number;
  rank_1: number | null;
  rank_2: number | null;
  rank_3: number | null;
  rank_4: number | null;
  streams_1: number | null;
  streams_2: number | null;
  streams_3: number | null;
  streams_4: number | null;
  artist_other_songs: number;
  days_since_release: number | null;
  /** Rank 52 weeks earlier (k = 0) and k weeks after that (null: off the chart, or the lake had no such week). */
  ya_rank_0: number | null;
  ya_rank_1: number | null;
  ya_rank_2: number | null;
  ya_rank_3: number | null;
  ya_rank_4: number | null;
  /** Whether the lake holds the chart of week − 52 + k weeks (a one-year lake holds none). */
  ya_known_0: boolean;
  ya_known_1: boolean;
  ya_known_2: boolean;
  ya_known_3: boolean;
  ya_known_4: boolean;
  log_rank_share: number;
  cutoff_margin: number | null;
  top_gap: number | null;
  momentum_1: number | null;
  momentum_4: number | null;
  rank_climb_1: number | null;
  log_rank_share_avg4: number;
  weeks_present_4: number;
}

/** Whether the lake has the views the release-date join needs (a CSV-only lake has them, with no dates). */
async function hasViews(engine: QueryEngine, names: string[]): Promise<boolean> {
  for (const name of names) {
    try {
      await engine.query(`SELECT 1 FROM ${name} LIMIT 0`);
    } catch {
      return false;
    }
  }
  return true;
}

/** The features SQL for one chart, with the release-date relation the lake supports spliced in. */
export async function featuresSql(engine: QueryEngine): Promise<string> {
  const release = (await hasViews(engine, ['tracks', 'albums'])) ? 'release-dates' : 'no-release-dates';
  return loadSql(SQL_DIR, 'features').replace('{release_dates}', loadSql(SQL_DIR, release).trim());
}

/** Every song of every week of `chart`, oldest week first, then by rank. */
export async function loadFeatures(engine: QueryEngine, chart: string): Promise<FeatureRow[]> {
  const result = await engine.query(await featuresSql(engine), [chart]);
  return result.rows as unknown as FeatureRow[];
}
