import type { FeatureRow } from './features';
import type { Prediction } from './model';

/** Next week equals this week: same rank and streams, stays for sure, in the top 10 iff it is now. */
export function persistence(row: FeatureRow): Prediction {
  return { rank: row.rank, streams: row.streams, pStay: 1, pTop10: row.rank <= 10 ? 1 : 0 };
}

/**
 * The average of the last 4 weeks (this week and the 3 before): mean rank and streams over the weeks the song was
 * on the chart; the probabilities are the shares of those weeks (the lake has) it was on the chart / in the top 10.
 */
export function lastFourAverage(row: FeatureRow): Prediction {
  const lags = [
    { rank: row.rank, streams: row.streams },
    { rank: row.rank_1, streams: row.streams_1 },
    { rank: row.rank_2, streams: row.streams_2 },
    { rank: row.rank_3, streams: row.streams_3 },
  ];
  const known = lags.slice(0, 1 + Math.min(3, row.history_weeks));
  const ranks = known.map((lag) => lag.rank).filter((rank): rank is number => rank !== null);
  const streams = known.map((lag) => lag.streams).filter((value): value is number => value !== null);
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  return {
    rank: mean(ranks),
    streams: streams.length > 0 ? mean(streams) : null,
    pStay: ranks.length / known.length,
    pTop10: ranks.filter((rank) => rank <= 10).length / known.length,
  };
}
