import * as path from 'node:path';
import { rawCsvKey, type ObjectStore } from '../store';
import { chartsCsvHeaderProblem, parseChartsCsvName } from '../transform/csv-file';

export interface ImportedCsv {
  file: string;
  rawKey: string;
  chart: string;
  week: string;
  /** False when the same bytes were already in the lake (the week is transformed again all the same). */
  stored: boolean;
}

/**
 * Stores one Spotify Charts weekly CSV byte for byte in the raw zone; the object-created event then runs the
 * transform. Region and week come from the file name. A different file under a name already in the lake is
 * refused: raw objects are never modified.
 */
export async function importChartsCsv(store: ObjectStore, file: string, bytes: Buffer): Promise<ImportedCsv> {
  const imported = await prepareChartsCsv(store, file, bytes);
  await store.put(imported.rawKey, bytes);
  return imported;
}

/** Every check of `importChartsCsv`, without the write: the caller stores `bytes` at `rawKey` (a bulk import). */
export async function prepareChartsCsv(store: ObjectStore, file: string, bytes: Buffer): Promise<ImportedCsv> {
  const fileName = path.basename(file);
  let name;
  try {
    name = parseChartsCsvName(fileName);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message.replace(`${fileName}: `, '')}`);
  }
  const problem = chartsCsvHeaderProblem(bytes);
  if (problem) throw new Error(`${file}: ${problem}`);
  const rawKey = rawCsvKey(name, fileName);
  const existing = await store.get(rawKey);
  if (existing && !existing.equals(bytes)) {
    throw new Error(`${file}: the lake already holds a different ${fileName} (${rawKey}); raw objects are never modified — delete that object first to replace it`);
  }
  return { file, rawKey, chart: name.chart, week: name.week, stored: !existing };
}
