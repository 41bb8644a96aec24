import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildDemoCatalog, GLOBAL_WEEKLY_ALIAS, type DemoCatalog } from '../../src/demo/catalog';

export const DEMO_CHART = GLOBAL_WEEKLY_ALIAS;

const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;

/**
 * Writes the demo catalog's global weekly charts as Spotify Charts CSV exports (one file per week), so a test can
 * import a two-year lake with recurring Christmas songs through the real pipeline without a server. Returns the
 * files and the catalog (whose tracks say which songs are seasonal by name only, so the tests find them by their
 * chart history).
 */
export function writeDemoCharts(dir: string, weeks: number, endWeek?: string): { files: string[]; catalog: DemoCatalog } {
  const catalog = buildDemoCatalog({ weeks, endWeek });
  const files: string[] = [];
  for (const week of catalog.charts.get(DEMO_CHART) ?? []) {
    const lines = ['rank,uri,artist_names,track_name,source,peak_rank,previous_rank,weeks_on_chart,streams'];
    for (const entry of week.entries) {
      const track = catalog.tracks.get(entry.trackId)!;
      const artists = track.artistIds.map((id) => catalog.artists.get(id)?.name ?? id).join(', ');
      const label = catalog.albums.get(track.albumId)?.label ?? '';
      lines.push([entry.rank, quoted(`spotify:track:${entry.trackId}`), quoted(artists), quoted(track.name), quoted(label), entry.peakRank, entry.previousRank, entry.appearancesOnChart, quoted(String(entry.streams))].join(','));
    }
    const file = path.join(dir, `${DEMO_CHART}-${week.date}.csv`);
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    files.push(file);
  }
  return { files, catalog };
}
