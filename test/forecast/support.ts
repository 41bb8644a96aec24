import * as path from 'node:path';
import { mkdirSync } from 'node:fs';
import { loadFeatures, type FeatureRow } from '../../src/forecast';
import { silentLogger } from '../../src/log';
import { LocalPipeline } from '../../src/pipeline';
import type { DuckDbEngine } from '../../src/query';
import { FsStore } from '../../src/store';
import { writeSyntheticCharts } from './synthetic-charts';

export const CHART = 'regional-us-weekly';

export interface TestLake {
  dir: string;
  store: FsStore;
  pipeline: LocalPipeline;
  engine: DuckDbEngine;
  features: FeatureRow[];
  close(): Promise<void>;
}

/** A lake of CSV files imported through the real pipeline, with its features read through the query engine. */
export async function importLake(dir: string, files: string[], chart = CHART): Promise<TestLake> {
  const store = new FsStore(path.join(dir, 'lake'));
  const pipeline = await LocalPipeline.open(store, silentLogger);
  const result = await pipeline.importFiles(files);
  if (result.failures.length > 0) throw result.failures[0].error;
  const engine = await pipeline.engine();
  const features = await loadFeatures(engine, chart);
  return {
    dir, store, pipeline, engine, features,
    async close() {
      await engine.close();
      await pipeline.close();
    },
  };
}

export async function syntheticLake(dir: string, weeks: number, poisonFrom?: number): Promise<TestLake> {
  const csvDir = path.join(dir, 'csv');
  mkdirSync(csvDir, { recursive: true });
  return importLake(dir, writeSyntheticCharts(csvDir, weeks, { poisonFrom }));
}
