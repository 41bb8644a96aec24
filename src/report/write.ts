import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FsStore, reportKey, type ObjectStore } from '../store';
import { INDEX_PAGE } from './report';

/** The report's folder in the lake: reports/chartlake-report/index.html, songs/…, artists/…. */
export const REPORT_FOLDER = 'chartlake-report';

/**
 * Puts the pages where the user finds them and returns where the front page went: by default through the store in
 * `reports/chartlake-report/` (a folder lake gets `lake/reports/chartlake-report/index.html`, an S3 lake objects
 * beside its data); with `out`, in that folder on this machine (the report is the user's own artefact, not lake
 * data). The pages link to each other relatively, so the folder opens from disk and can be moved whole.
 */
export async function writeReport(store: ObjectStore, pages: Record<string, string>, out?: string): Promise<string> {
  if (out) {
    const root = path.resolve(out);
    for (const [page, html] of Object.entries(pages)) {
      const file = path.join(root, ...page.split('/'));
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, html);
    }
    return path.join(root, INDEX_PAGE);
  }
  for (const [page, html] of Object.entries(pages)) await store.put(reportKey(`${REPORT_FOLDER}/${page}`), html);
  const key = reportKey(`${REPORT_FOLDER}/${INDEX_PAGE}`);
  return store instanceof FsStore ? path.join(store.root, ...key.split('/')) : `${store.location.replace(/\/$/, '')}/${key}`;
}
