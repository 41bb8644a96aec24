import { GlueClient } from '@aws-sdk/client-glue';
import { startCrawler, type CrawlerStart } from '../crawler';
import { jsonLogger } from '../../log';
import { DuckDb } from '../../query/duckdb';
import type { S3Event } from '../../store/events';
import { handleTransform } from '../../transform/handler';
import { duckTempDirectory, ENV, lakeStore, lambdaTmp, optional } from './environment';

export interface TransformLambdaResult {
  transformed: { rawKey: string; chart: string; week: string; chartEntries: number }[];
  /** Raw objects refused by the quality gates (their report is in quarantine/); retrying cannot help them. */
  rejected: { rawKey: string; report: string }[];
  crawler?: CrawlerStart;
}

/** One DuckDB per container: a warm Lambda reuses it between invocations. */
let duck: Promise<DuckDb> | undefined;

/**
 * The transform Lambda: the same `handleTransform` the local pipeline runs, on the lake bucket, then the Glue
 * crawler. Other errors propagate, so Lambda's async retries and failure destination see them.
 */
export async function handler(event: S3Event): Promise<TransformLambdaResult> {
  const tmp = lambdaTmp();
  const log = jsonLogger();
  const memoryMb = Number(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? 0);
  duck ??= DuckDb.open({
    tempDirectory: duckTempDirectory(tmp),
    // Leave a quarter of the function's memory to Node and the S3 client.
    ...(memoryMb > 0 ? { memoryLimit: `${Math.floor(memoryMb * 0.75)}MB` } : {}),
  });
  const store = lakeStore();
  const result: TransformLambdaResult = { transformed: [], rejected: [] };
  // The whole event is one batch: one DuckDB pass, each touched chart-year written once.
  const transformed = await handleTransform(event, { store, duck: await duck, workDir: tmp, log });
  for (const week of transformed.weeks) {
    result.transformed.push({ rawKey: week.sourceKey, chart: week.chart, week: week.week, chartEntries: week.rows.chart_entries });
  }
  for (const error of transformed.refused) {
    log.log('error', 'raw object rejected', { raw: error.rawKey, report: error.quarantineKey, failures: error.failures.length });
    result.rejected.push({ rawKey: error.rawKey, report: error.quarantineKey });
  }
  const crawler = optional(ENV.crawlerName);
  if (crawler && result.transformed.length > 0) {
    const glue = new GlueClient({ endpoint: optional(ENV.glueEndpoint) });
    try {
      result.crawler = await startCrawler(glue, crawler, log);
    } finally {
      glue.destroy();
    }
  }
  return result;
}
