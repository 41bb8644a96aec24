/**
 * The pipeline as a separate process, for the crash tests: `node -r ts-node/register/transpile-only worker.ts`.
 *   CRASH_LAKE       the lake folder
 *   CRASH_MODE       `import` (CSV files, CRASH_FILES separated by `|`), `extract` (CRASH_WEEKS from the
 *                    Spotify-compatible server at CRASH_SERVER_URL, through catch-up), `crawl` (the catalog) or
 *                    `forecast` (CRASH_CHART's week CRASH_WEEK: the forecasts table, then the catalog)
 *   CRASH_AT         kill the process at the Nth store write (absent: run to completion)
 *   CRASH_HOW        `after` (default) or `torn`
 * Prints one JSON line `{"writes": n, ...}` when it completes.
 */
import { silentLogger } from '../../src/log';
import { LocalPipeline } from '../../src/pipeline';
import { runForecast } from '../../src/forecast';
import { catchUp, pipelineWorker } from '../../src/schedule';
import { DEFAULT_SPOTIFY_SOURCE_OPTIONS } from '../../src/sources';
import { CrashingStore } from './crashing-store';

async function main(): Promise<void> {
  const env = process.env;
  const crashAt = env.CRASH_AT ? Number(env.CRASH_AT) : undefined;
  const store = new CrashingStore(env.CRASH_LAKE as string, crashAt, env.CRASH_HOW === 'torn' ? 'torn' : 'after');
  const pipeline = await LocalPipeline.open(store, silentLogger);
  try {
    if (env.CRASH_MODE === 'crawl') {
      const catalog = await pipeline.crawl();
      process.stdout.write(`${JSON.stringify({ writes: store.writes, tables: Object.keys(catalog.tables).length })}\n`);
    } else if (env.CRASH_MODE === 'forecast') {
      const engine = await pipeline.engine();
      try {
        const { key, forecast } = await runForecast({ store, duck: pipeline.duck, engine }, { chart: env.CRASH_CHART, week: env.CRASH_WEEK });
        process.stdout.write(`${JSON.stringify({ writes: store.writes, key, rows: forecast.rows.length })}\n`);
      } finally {
        await engine.close();
      }
    } else if (env.CRASH_MODE === 'extract') {
      const weeks = (env.CRASH_WEEKS as string).split('|');
      const url = env.CRASH_SERVER_URL as string;
      const options = {
        ...DEFAULT_SPOTIFY_SOURCE_OPTIONS,
        chartsBaseUrl: url,
        apiBaseUrl: url,
        accountsBaseUrl: url,
        chartsToken: env.CRASH_CHARTS_TOKEN,
        clientId: env.CRASH_CLIENT_ID,
        clientSecret: env.CRASH_CLIENT_SECRET,
      };
      const result = await catchUp({
        store,
        worker: pipelineWorker(pipeline, options),
        charts: [env.CRASH_CHART as string],
        from: weeks[0],
        to: weeks[weeks.length - 1],
      });
      const failed = result.runs.filter((run) => run.outcome !== 'transformed' && run.outcome !== 'recovered');
      if (failed.length > 0) throw new Error(`weeks failed: ${JSON.stringify(failed)}`);
      process.stdout.write(`${JSON.stringify({ writes: store.writes, runs: result.runs.map((run) => `${run.week}:${run.outcome}`) })}\n`);
    } else {
      const result = await pipeline.importFiles((env.CRASH_FILES as string).split('|'));
      if (result.failures.length > 0) throw new Error(result.failures.map((failure) => failure.error.message).join('\n'));
      process.stdout.write(`${JSON.stringify({ writes: store.writes, weeks: result.weeks.length })}\n`);
    }
  } finally {
    await pipeline.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
