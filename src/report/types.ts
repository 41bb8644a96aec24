import type { ForecastBacktest } from '../forecast';

/** The chart and week range a report covers. */
export interface ReportRange {
  chart: string;
  from_week: string;
  to_week: string;
}

export interface ChartSpan {
  first_week: string | null;
  last_week: string | null;
  weeks: number;
  songs: number;
  streams: number | null;
}

export interface LatestEntry {
  week: string;
  rank: number;
  song_id: string;
  track_id: string;
  track_name: string | null;
  artist_names: string | null;
  streams: number | null;
  previous_rank: number | null;
  peak_rank: number | null;
  weeks_on_chart: number | null;
  entry_status: string | null;
}

export interface RankPoint {
  week: string;
  current_rank: number;
  track_name: string | null;
  rank: number;
}

export interface ArtistRow {
  artist_name: string;
  streams: number | null;
  share_pct: number | null;
  charting_tracks: number;
  weeks_at_number_1: number;
  best_rank: number;
}

export interface ArtistWeekRow {
  week: string;
  artist_rank: number;
  artist_name: string;
  streams: number | null;
  share_pct: number | null;
}

export interface AlbumRow {
  album: string | null;
  album_type: string | null;
  artists: string | null;
  charting_songs: number;
  streams: number | null;
  best_rank: number;
}

export interface LabelRow {
  label: string;
  streams: number | null;
  share_pct: number | null;
  charting_tracks: number;
}

/** A row of a song-level analysis: per song (song_name) or per chart row (track_name). */
export interface SongRow {
  song_id: string;
  song_name?: string | null;
  track_name?: string | null;
  artist_names: string | null;
  [measure: string]: unknown;
}

export interface PatternRow {
  week: string;
  chart_size: number;
  new_entries: number;
  re_entries: number;
  median_duration_ms: number | null;
  explicit_share: number | null;
  collaboration_share: number | null;
  median_debut_age_weeks: number | null;
  median_weeks_on_chart: number | null;
  avg_weeks_on_chart: number | null;
  top10_streams_share: number | null;
  streams: number | null;
}

export interface ForecastEntry {
  origin_week: string;
  target_week: string;
  song_id: string;
  track_id: string;
  track_name: string | null;
  artist_names: string | null;
  rank: number;
  predicted_rank: number | null;
  predicted_streams: number | null;
  p_stay: number;
  p_top10: number;
  model: string | null;
  /** `chartlake forecast` marked the prediction seasonal: the song's chart a year earlier drove it. */
  seasonal: boolean;
}

/** The backtest `chartlake forecast` stored on every row of a forecast (null in files written before it did). */
export interface StoredBacktest extends ForecastBacktest {
  horizon: number;
}

/** Everything the page shows, read through the QueryEngine. */
export interface ReportData {
  range: ReportRange;
  span: ChartSpan;
  latest: LatestEntry[];
  rankHistory: RankPoint[];
  artists: ArtistRow[];
  artistWeeks: ArtistWeekRow[];
  albums: AlbumRow[];
  labels: LabelRow[];
  climbers: SongRow[];
  newEntries: SongRow[];
  longestRuns: SongRow[];
  mostStreams: SongRow[];
  patterns: PatternRow[];
  /** The chart weeks of the range with their depth, and every song week: the song and artist pages come from these. */
  chartWeeks: ChartWeek[];
  songWeeks: SongWeek[];
  songArtists: SongArtistRow[];
  /** Empty when the lake has no songwriter credits (chartlake enrich --credits). */
  songWriters: SongWriterRow[];
  songwriters: SongwriterRow[];
  /**
   * Undefined when the lake has no forecasts table; `error` when it has one this report cannot read; `skill` the
   * backtest at the forecast's horizon.
   */
  forecast?: { rows: ForecastEntry[]; error?: string; skill?: ForecastSkill[] };
}

/** A chart week of the range and how many entries its chart had (`_runs.depth`). */
export interface ChartWeek {
  week: string;
  depth: number;
}

/** One song in one chart week, over all its track ids. */
export interface SongWeek {
  song_id: string;
  song_name: string | null;
  artist_names: string | null;
  week: string;
  rank: number;
  streams: number | null;
  track_ids: string | null;
}

export interface SongArtistRow {
  song_id: string;
  artist_name: string;
}

/** A writer of a song, from MusicBrainz (song_credits). */
export interface SongWriterRow {
  song_id: string;
  person_name: string;
  roles: string;
}

/** A row of the top-songwriters analysis. */
export interface SongwriterRow {
  songwriter: string;
  person_mbid: string;
  streams: number | null;
  share_pct: number | null;
  charting_songs: number;
  weeks_at_number_1: number;
  best_rank: number;
  credited_share_pct: number | null;
}

/** The forecast's backtest at one horizon: mean rank error of the model and of persistence (no change). */
export interface ForecastSkill {
  horizon: number;
  folds: number;
  first_target: string;
  last_target: string;
  model_rank_mae: number;
  persistence_rank_mae: number;
  model_brier_top10: number;
  persistence_brier_top10: number;
}
