import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FsStore, reportKey, type ObjectStore } from '../store';
import { INDEX_PAGE } from './report';

/** The report's folder in the lake: reports/chartlake-report/index.html, songs/…, artists/…. */
export const REPORT_FOLDER = 'chartlake-report';

/** The folders of the song and artist pages (explore.ts names the pages `songs/…` and `artists/…`). */
const PAGE_FOLDERS = ['songs', 'artists'] as const;

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
    // Pages of an earlier report (a bigger --top, another range) would be orphans: only the report's own folders.
    for (const folder of PAGE_FOLDERS) {
      for (const name of await fs.readdir(path.join(root, folder)).catch(() => [] as string[])) {
        if (name.endsWith('.html') && !(`${folder}/${name}` in pages)) await fs.rm(path.join(root, folder, name));
      }
    }
    return path.join(root, INDEX_PAGE);
  }
  for (const [page, html] of Object.entries(pages)) await store.put(reportKey(`${REPORT_FOLDER}/${page}`), html);
  const base = `${reportKey(REPORT_FOLDER)}/`;
  for (const folder of PAGE_FOLDERS) {
    for (const object of await store.list(`${base}${folder}/`)) if (!(object.key.slice(base.length) in pages)) await store.delete(object.key);
  }
  const key = reportKey(`${REPORT_FOLDER}/${INDEX_PAGE}`);
  return store instanceof FsStore ? path.join(store.root, ...key.split('/')) : `${store.location.replace(/\/$/, '')}/${key}`;
}
