import { THEME } from './charts';
import type { TimelinePoint } from './explore';
import { escape } from './escape';
import { readable } from './units';

const WIDTH = 760;
const LEFT = 44;
const RIGHT = 12;
const RANK_TICKS = [1, 2, 5, 10, 20, 50, 100, 200];

/**
 * A song's (or artist's) rank and streams over the chart weeks, drawn by hand for the pages (one SVG each, no Vega:
 * a hundred pages render in milliseconds). Rank lines are straight between chart weeks, with a tick on every chart
 * week; a week the song was off the chart breaks the line; a week whose chart was too shallow to show it is drawn
 * dashed across and shaded, so it never looks like a drop-out.
 */
export function timelineSvg(title: string, points: readonly TimelinePoint[], depth: number): string {
  const plotWidth = WIDTH - LEFT - RIGHT;
  const step = points.length > 1 ? plotWidth / (points.length - 1) : 0;
  const x = (index: number) => LEFT + (points.length > 1 ? index * step : plotWidth / 2);
  const rankTop = 30;
  const rankHeight = 150;
  const maxRank = Math.max(depth, ...points.map((point) => point.rank ?? 1), 2);
  const y = (rank: number) => rankTop + (Math.log(rank) / Math.log(maxRank)) * rankHeight;
  const barTop = rankTop + rankHeight + 34;
  const barHeight = 70;
  const maxStreams = Math.max(0, ...points.map((point) => point.streams ?? 0));
  const axisY = barTop + barHeight;
  const parts: string[] = [];
  parts.push(`<text x="0" y="16" class="t-title">${escape(title)}</text>`);
  // Rank grid.
  for (const tick of RANK_TICKS.filter((value) => value <= maxRank)) {
    parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" class="t-grid"/><text x="${LEFT - 6}" y="${(y(tick) + 3.5).toFixed(1)}" class="t-label" text-anchor="end">#${tick}</text>`);
  }
  // Shallow weeks: shaded, with the reason on hover.
  points.forEach((point, index) => {
    if (point.state === 'not-shown') parts.push(`<rect x="${(x(index) - step / 2).toFixed(1)}" y="${rankTop}" width="${Math.max(step, 4).toFixed(1)}" height="${rankHeight}" class="t-shallow"><title>${escape(point.week)}: that week's chart was shorter; not shown, not a drop-out</title></rect>`);
  });
  // Rank line: solid between consecutive chart weeks, dashed across shallow weeks, broken by a week off the chart.
  let previous: number | undefined;
  points.forEach((point, index) => {
    if (point.state === 'off') previous = undefined;
    if (point.state !== 'on') return;
    if (previous !== undefined) {
      const dashed = index - previous > 1 ? ' stroke-dasharray="4 3"' : '';
      parts.push(`<line x1="${x(previous).toFixed(1)}" y1="${y(points[previous].rank!).toFixed(1)}" x2="${x(index).toFixed(1)}" y2="${y(point.rank!).toFixed(1)}" class="t-line"${dashed}/>`);
    }
    previous = index;
  });
  points.forEach((point, index) => {
    if (point.state === 'on') parts.push(`<circle cx="${x(index).toFixed(1)}" cy="${y(point.rank!).toFixed(1)}" r="3" class="t-point"><title>${escape(`${point.week}: #${point.rank}, ${readable(point.streams)} streams`)}</title></circle>`);
  });
  // Streams bars.
  parts.push(`<text x="${LEFT - 6}" y="${barTop - 8}" class="t-label" text-anchor="end">streams</text><text x="${LEFT}" y="${barTop - 8}" class="t-label">max ${escape(readable(maxStreams))} a week</text>`);
  const barWidth = Math.max(2, Math.min(12, step * 0.7));
  points.forEach((point, index) => {
    if (!point.streams || maxStreams === 0) return;
    const height = (point.streams / maxStreams) * barHeight;
    parts.push(`<rect x="${(x(index) - barWidth / 2).toFixed(1)}" y="${(axisY - height).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${height.toFixed(1)}" class="t-bar"><title>${escape(`${point.week}: ${readable(point.streams)} streams`)}</title></rect>`);
  });
  // Time axis: a tick on every chart week, the month's name under its first chart week.
  parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${axisY}" y2="${axisY}" class="t-axis"/>`);
  let month = '';
  points.forEach((point, index) => {
    parts.push(`<line x1="${x(index).toFixed(1)}" x2="${x(index).toFixed(1)}" y1="${axisY}" y2="${axisY + 4}" class="t-axis"/>`);
    if (point.week.slice(0, 7) !== month) {
      month = point.week.slice(0, 7);
      const label = new Date(`${point.week}T00:00:00Z`).toLocaleString('en-US', { month: 'short', timeZone: 'UTC' }) + (month.endsWith('-01') || index === 0 ? ` ${month.slice(0, 4)}` : '');
      parts.push(`<text x="${x(index).toFixed(1)}" y="${axisY + 16}" class="t-label" text-anchor="start">${escape(label)}</text>`);
    }
  });
  const height = axisY + 24;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escape(title)}">${parts.join('')}</svg>`;
}

/** The timeline's styles, in the page's stylesheet. */
export const TIMELINE_CSS = `
.timeline .t-title{font-size:14px;font-weight:600;fill:${THEME.ink}}
.timeline .t-label{font-size:10.5px;fill:${THEME.muted}}
.timeline .t-grid{stroke:${THEME.grid}}
.timeline .t-axis{stroke:#bbb}
.timeline .t-line{stroke:${THEME.accent};stroke-width:2;fill:none}
.timeline .t-point{fill:${THEME.accent}}
.timeline .t-bar{fill:#3b82f6;opacity:.75}
.timeline .t-shallow{fill:#f59e0b;opacity:.12}
`;
