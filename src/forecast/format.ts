import { formatResult } from '../query/format';
import type { QueryResult } from '../query/duckdb';
import type { BacktestResult } from './backtest';
import type { ChartForecast } from './forecast';
import { METHODS, score, type Method, type MethodScore, type Scored } from './metrics';
import type { ForecastRow } from './types';

const percent = (p: number) => `${(100 * p).toFixed(0)}%`;

function moversTable(rows: readonly ForecastRow[]): QueryResult {
  return {
    columns: [
      { name: 'rank', type: 'INTEGER' }, { name: 'predicted', type: 'DOUBLE' }, { name: 'move', type: 'DOUBLE' },
      { name: 'p_stay', type: 'DOUBLE' }, { name: 'p_top10', type: 'DOUBLE' }, { name: 'track', type: 'VARCHAR' }, { name: 'artists', type: 'VARCHAR' },
      { name: 'seasonal', type: 'VARCHAR' },
    ],
    rows: rows.map((row) => ({
      rank: row.rank,
      predicted: row.predicted_rank === null ? '' : row.predicted_rank.toFixed(0),
      move: row.predicted_move === null ? '' : `${row.predicted_move >= 0 ? '+' : ''}${row.predicted_move.toFixed(0)}`,
      p_stay: percent(row.p_stay),
      p_top10: percent(row.p_top10),
      track: row.track_name ?? row.track_id,
      artists: row.artist_names ?? '',
      seasonal: row.seasonal ? 'yes' : '',
    })),
  };
}

/** The biggest predicted movers of a forecast, for the terminal. */
export function formatForecast(forecast: ChartForecast, limit = 10): string {
  const rows = forecast.rows;
  const target = rows[0]?.target_week ?? '';
  const byMove = [...rows].filter((row) => row.predicted_move !== null).sort((a, b) => b.predicted_move! - a.predicted_move! || a.rank - b.rank);
  const climbers = byMove.filter((row) => row.predicted_move! > 0 && row.p_stay >= 0.5).slice(0, limit);
  const fallers = byMove.filter((row) => row.predicted_move! < 0).reverse().slice(0, limit);
  const exits = [...rows].sort((a, b) => a.p_stay - b.p_stay || a.rank - b.rank).slice(0, limit);
  const newTop10 = rows.filter((row) => row.rank > 10).sort((a, b) => b.p_top10 - a.p_top10).slice(0, Math.min(limit, 5));
  const model = forecast.model;
  const seasonal = rows.filter((row) => row.seasonal).length;
  const yearAgo = [
    forecast.reachesBackAYear
      ? `${seasonal} of them marked seasonal (the song's chart a year earlier drove the prediction)`
      : 'the lake does not reach back a year from this week: no year-ago features',
    model.calendar ? 'calendar features on (the training weeks include an earlier Christmas)' : 'calendar features off (no earlier Christmas in the training weeks)',
  ].join('; ');
  return [
    `${forecast.chart}: forecast from ${forecast.week} for ${target} (${forecast.horizon} week${forecast.horizon === 1 ? '' : 's'} ahead), ${rows.length} songs; model ${rows[0]?.model ?? ''} trained on ${model.trainingRows.toLocaleString('en-US')} examples, target weeks ${model.trainedFrom} .. ${model.trainedThrough}`,
    yearAgo,
    '', 'Biggest predicted climbers (among songs likely to stay: p_stay ≥ 50%)', formatResult(moversTable(climbers), 'table'),
    '', 'Biggest predicted fallers (if they stay)', formatResult(moversTable(fallers), 'table'),
    '', 'Most likely to drop off the chart', formatResult(moversTable(exits), 'table'),
    '', 'Most likely to enter the top 10', formatResult(moversTable(newTop10), 'table'),
  ].join('\n');
}

const METRICS: { key: keyof MethodScore; label: string; digits: number }[] = [
  { key: 'rankMae', label: 'rank MAE (songs that stay)', digits: 2 },
  { key: 'streamsMape', label: 'streams MAPE % (songs that stay)', digits: 2 },
  { key: 'brierStay', label: 'Brier: stays on chart', digits: 4 },
  { key: 'brierTop10', label: 'Brier: in top 10', digits: 4 },
];

const LABELS: Record<Method, string> = { model: 'model', persistence: 'persistence', last4: 'last-4 average' };

/** One row per horizon and metric: each method's error and whether the model beats each baseline (lower is better). */
export function backtestTable(result: BacktestResult): QueryResult {
  const rows: Record<string, unknown>[] = [];
  for (const horizon of result.horizons) {
    for (const metric of METRICS) {
      const value = (method: Method) => horizon.scores[method][metric.key];
      const model = value('model');
      const verdict = (baseline: Method) => {
        const other = value(baseline);
        if (model === null || other === null) return '';
        return model < other ? `beats (${(100 * (1 - model / other)).toFixed(0)}% lower)` : `loses (${(100 * (model / other - 1)).toFixed(0)}% higher)`;
      };
      const row: Record<string, unknown> = { h: horizon.horizon, metric: metric.label };
      for (const method of METHODS) row[LABELS[method]] = value(method) === null ? '' : (value(method) as number).toFixed(metric.digits);
      row['vs persistence'] = verdict('persistence');
      row['vs last-4'] = verdict('last4');
      rows.push(row);
    }
  }
  const columns = [
    { name: 'h', type: 'INTEGER' }, { name: 'metric', type: 'VARCHAR' },
    ...METHODS.map((method) => ({ name: LABELS[method], type: 'DOUBLE' })),
    { name: 'vs persistence', type: 'VARCHAR' }, { name: 'vs last-4', type: 'VARCHAR' },
  ];
  return { columns, rows };
}

/** Where the model wins and loses: the same scores by the song's rank band (and new entries) at the origin week. */
export const SEGMENTS: { name: string; test: (item: Scored) => boolean }[] = [
  { name: 'ranks 1-10', test: (item) => item.row.rank <= 10 },
  { name: 'ranks 11-50', test: (item) => item.row.rank > 10 && item.row.rank <= 50 },
  { name: 'ranks 51-150', test: (item) => item.row.rank > 50 && item.row.rank <= 150 },
  { name: 'ranks 151-200', test: (item) => item.row.rank > 150 },
  { name: 'new entries', test: (item) => item.row.entry_status === 'NEW_ENTRY' },
  { name: 'seasonal', test: (item) => item.predictions.model.seasonal === true },
];

export function segmentTable(result: BacktestResult): QueryResult {
  const rows: Record<string, unknown>[] = [];
  for (const horizon of result.horizons) {
    const items = result.scored.filter((item) => item.horizon === horizon.horizon);
    for (const segment of SEGMENTS) {
      const part = items.filter(segment.test);
      if (part.length === 0) continue;
      const s = score(horizon.horizon, part).scores;
      const cell = (value: number | null, digits: number) => (value === null || Number.isNaN(value) ? '' : value.toFixed(digits));
      const row: Record<string, unknown> = { h: horizon.horizon, segment: segment.name, songs: part.length };
      for (const method of METHODS) row[`MAE ${LABELS[method]}`] = cell(s[method].rankMae, 2);
      for (const method of METHODS) row[`Brier stay ${LABELS[method]}`] = cell(s[method].brierStay, 4);
      rows.push(row);
    }
  }
  const columns = [
    { name: 'h', type: 'INTEGER' }, { name: 'segment', type: 'VARCHAR' }, { name: 'songs', type: 'INTEGER' },
    ...METHODS.map((method) => ({ name: `MAE ${LABELS[method]}`, type: 'DOUBLE' })),
    ...METHODS.map((method) => ({ name: `Brier stay ${LABELS[method]}`, type: 'DOUBLE' })),
  ];
  return { columns, rows };
}

export function formatBacktest(result: BacktestResult): string {
  const spans = result.horizons.map((h) => `h=${h.horizon}: ${h.folds} folds, target weeks ${h.firstTarget} .. ${h.lastTarget}, ${h.examples.toLocaleString('en-US')} songs (${h.stayed.toLocaleString('en-US')} stayed)`);
  return [
    `${result.chart}: rolling-origin backtest over ${result.weeks} weeks (each fold trains only on outcomes known at its origin week)`,
    ...spans,
    '',
    formatResult(backtestTable(result), 'table'),
    '',
    'By rank band at the origin week (rank MAE on songs that stay; Brier of "stays on chart")',
    formatResult(segmentTable(result), 'table'),
  ].join('\n');
}
