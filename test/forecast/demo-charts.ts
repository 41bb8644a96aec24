import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildDemoCatalog, DEMO_SEED, GLOBAL_WEEKLY_ALIAS, type DemoCatalog, type DemoChartWeek } from '../../src/demo/catalog';

export const DEMO_CHART = GLOBAL_WEEKLY_ALIAS;

/**
 * The two-year demo lake of the forecast tests: 120 weeks ending mid-January 2026, so three Christmases (2023 with
 * no year before it in the lake, 2024 and 2025 with one). The last week is in the past, so the transform's
 * "week in the future" gate never refuses it whatever the clock says.
 */
export const TWO_YEARS = { weeks: 120, endWeek: '2026-01-15' } as const;

const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;

function chartCsv(catalog: DemoCatalog, week: DemoChartWeek): string {
  const lines = ['rank,uri,artist_names,track_name,source,peak_rank,previous_rank,weeks_on_chart,streams'];
  for (const entry of week.entries) {
    const track = catalog.tracks.get(entry.trackId)!;
    const artists = track.artistIds.map((id) => catalog.artists.get(id)?.name ?? id).join(', ');
    const label = catalog.albums.get(track.albumId)?.label ?? '';
    lines.push([entry.rank, quoted(`spotify:track:${entry.trackId}`), quoted(artists), quoted(track.name), quoted(label), entry.peakRank, entry.previousRank, entry.appearancesOnChart, quoted(String(entry.streams))].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Writes the demo catalog's global weekly charts as Spotify Charts CSV exports (one file per week), so a test can
 * import a lake of two years and more, with Christmas songs recurring every December, through the real pipeline
 * without a server. From the week `poisonFrom` on, the charts come from a catalog with another seed: an unrelated
 * future (the leakage test's poison). Returns the files, oldest first.
 */
export function writeDemoCharts(dir: string, weeks: number, endWeek: string, options: { poisonFrom?: string } = {}): string[] {
  const catalog = buildDemoCatalog({ weeks, endWeek });
  const poison = options.poisonFrom ? buildDemoCatalog({ weeks, endWeek, seed: DEMO_SEED + 1000 }) : undefined;
  const poisonWeeks = new Map((poison?.charts.get(DEMO_CHART) ?? []).map((week) => [week.date, week]));
  return (catalog.charts.get(DEMO_CHART) ?? []).map((week) => {
    const poisoned = options.poisonFrom && week.date >= options.poisonFrom ? poisonWeeks.get(week.date) : undefined;
    const file = path.join(dir, `${DEMO_CHART}-${week.date}.csv`);
    writeFileSync(file, poisoned ? chartCsv(poison!, poisoned) : chartCsv(catalog, week));
    return file;
  });
}
