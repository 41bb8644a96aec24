import type { TopLevelSpec } from 'vega-lite';
import { READABLE_EXPR } from './units';

/** Colours and fonts shared by every chart and the page's CSS. */
export const THEME = {
  accent: '#1db954',
  ink: '#191414',
  muted: '#6a6a6a',
  grid: '#e8e8e8',
  font: "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
  palette: ['#1db954', '#3b82f6', '#f59e0b', '#ef4444', '#8b5cf6', '#14b8a6', '#ec4899', '#84cc16', '#f97316', '#64748b'],
};

const CONFIG = {
  font: THEME.font,
  background: 'white',
  view: { stroke: null },
  title: { fontSize: 14, fontWeight: 600, color: THEME.ink, anchor: 'start' as const, offset: 10 },
  axis: { labelColor: THEME.muted, titleColor: THEME.muted, gridColor: THEME.grid, domainColor: '#cccccc', tickColor: '#cccccc', labelFontSize: 11, titleFontSize: 11, titleFontWeight: 500 as const },
  legend: { labelColor: THEME.ink, titleColor: THEME.muted, labelFontSize: 11, titleFontSize: 11, labelLimit: 260 },
  range: { category: THEME.palette },
};

/**
 * Renders a Vega-Lite spec to an SVG string in Node: no browser, no canvas, no network (data is inline).
 * vega and vega-lite are ESM with top-level await, so they are imported, not required.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile({ ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

type Values = Record<string, unknown>[];

/** A time axis with a tick on every chart week and the month's name under the first chart week of each month. */
function chartWeekAxis(weeks: readonly string[]) {
  return {
    values: weeks.map((week) => Date.parse(`${week}T00:00:00Z`)),
    labelExpr: "utcdate(datum.value) <= 7 ? utcFormat(datum.value, utcmonth(datum.value) === 0 ? '%b %Y' : '%b') : ''",
    labelAngle: 0,
    labelOverlap: false,
    grid: false,
  };
}

/** A time scale over exactly the range's chart weeks, whatever weeks the lines happen to cover. */
function chartWeekScale(weeks: readonly string[]) {
  return weeks.length ? { type: 'utc' as const, domain: [Date.parse(`${weeks[0]}T00:00:00Z`), Date.parse(`${weeks[weeks.length - 1]}T00:00:00Z`)] } : { type: 'utc' as const };
}

/** A streams axis or text in readers' units ("2.57 B"). */
const readableAxis = { labelExpr: READABLE_EXPR('datum.value') };

/**
 * Rank (1 on top) over the chart weeks, one line per song of the current top 10: straight between chart weeks
 * (a curve would invent ranks between them), a point and an axis tick on every chart week.
 */
export function rankOverTimeSpec(title: string, values: Values, weeks: readonly string[]): TopLevelSpec {
  return {
    title,
    width: 780,
    height: 300,
    data: { values },
    mark: { type: 'line', point: { size: 18 }, strokeWidth: 2, interpolate: 'linear' },
    encoding: {
      x: { field: 'week', type: 'temporal', title: null, scale: chartWeekScale(weeks), axis: chartWeekAxis(weeks) },
      y: { field: 'rank', type: 'quantitative', title: 'rank', scale: { reverse: true, domain: [1, 200], type: 'log', nice: false }, axis: { values: [1, 2, 5, 10, 20, 50, 100, 200] } },
      color: { field: 'song', type: 'nominal', title: null, sort: { field: 'current_rank' }, legend: { orient: 'right', symbolType: 'stroke', symbolStrokeWidth: 3 } },
    },
  };
}

/** Horizontal bars of a measure, in the order of the rows (the analyses sort them, biggest first), in readers' units. */
export function barSpec(title: string, values: Values, label: string, measure: string, measureTitle: string): TopLevelSpec {
  return {
    title,
    width: 290,
    height: { step: 20 },
    data: { values },
    transform: [{ calculate: READABLE_EXPR(`datum['${measure}']`), as: 'readable_value' }],
    layer: [
      { mark: { type: 'bar', color: THEME.accent, cornerRadiusEnd: 3 } },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, color: THEME.muted }, encoding: { text: { field: 'readable_value', type: 'nominal' } } },
    ],
    encoding: {
      y: { field: label, type: 'nominal', sort: null, title: null, axis: { labelLimit: 190, labelFontSize: 11, labelColor: THEME.ink, ticks: false, domain: false } },
      x: { field: measure, type: 'quantitative', title: measureTitle, axis: { ...readableAxis, grid: true, tickCount: 4 } },
    },
  };
}

/** Share of the week's streams of the most streamed artists, week by week. */
export function artistShareSpec(title: string, values: Values, weeks: readonly string[]): TopLevelSpec {
  return {
    title,
    width: 780,
    height: 240,
    data: { values },
    mark: { type: 'line', strokeWidth: 2, interpolate: 'linear' },
    encoding: {
      x: { field: 'week', type: 'temporal', title: null, scale: chartWeekScale(weeks), axis: chartWeekAxis(weeks) },
      y: { field: 'share', type: 'quantitative', title: 'share of the week\u2019s streams', axis: { format: '.0%' } },
      color: { field: 'artist_name', type: 'nominal', title: null, legend: { orient: 'right', symbolType: 'stroke', symbolStrokeWidth: 3 } },
    },
  };
}

/** One small time series of the patterns grid. */
export function patternSpec(title: string, values: Values, format: string, color: string, weeks: readonly string[]): TopLevelSpec {
  return {
    title: { text: title, fontSize: 12.5 },
    width: 280,
    height: 110,
    data: { values },
    layer: [
      { mark: { type: 'area', color, opacity: 0.12, interpolate: 'linear' } },
      { mark: { type: 'line', color, strokeWidth: 2, interpolate: 'linear' } },
    ],
    encoding: {
      x: { field: 'week', type: 'temporal', title: null, scale: chartWeekScale(weeks), axis: { ...chartWeekAxis(weeks), labelExpr: "utcdate(datum.value) <= 7 && utcmonth(datum.value) % 3 === 0 ? utcFormat(datum.value, '%b') : ''" } },
      y: { field: 'value', type: 'quantitative', title: null, axis: format === 'readable' ? { ...readableAxis, tickCount: 4 } : { format, tickCount: 4 }, scale: { zero: false } },
    },
  };
}
