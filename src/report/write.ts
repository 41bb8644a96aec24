import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FsStore, reportKey, type ObjectStore } from '../store';

export const REPORT_FILE = 'chartlake-report.html';

/**
 * Puts the page where the user finds it: by default through the store at `reports/chartlake-report.html` (a
 * folder lake gets `lake/reports/…`, an S3 lake an object beside its data); with `out`, at that path on this
 * machine (the page is the user's own artefact, not lake data). Returns where it went.
 */
export async function writeReport(store: ObjectStore, html: string, out?: string): Promise<string> {
  if (out) {
    await fs.mkdir(path.dirname(path.resolve(out)), { recursive: true });
    await fs.writeFile(out, html);
    return path.resolve(out);
  }
  const key = reportKey(REPORT_FILE);
  await store.put(key, html);
  return store instanceof FsStore ? path.join(store.root, ...key.split('/')) : `${store.location.replace(/\/$/, '')}/${key}`;
}
