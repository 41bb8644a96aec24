import { readCatalog } from '../catalog';
import { silentLogger } from '../log';
import { formatResult, runSavedAnalysis, savedAnalysis } from '../query';
import type { ObjectStore } from '../store';
import { readLineage } from '../transform';
import { LocalPipeline } from '../pipeline';
import { Progress } from '../log';
import { buildDemoCatalog, GLOBAL_WEEKLY_ALIAS } from './catalog';
import { demoSourceOptions, startSpotifyServer } from './spotify-server';

export interface DemoOptions {
  store: ObjectStore;
  weeks?: number;
  /** Where the summary goes (stdout). */
  out?: NodeJS.WriteStream;
  /** Where the progress bar goes (stderr). */
  progress?: NodeJS.WriteStream;
}

export interface DemoOutcome {
  weeks: number;
  extracted: number;
  reused: number;
  rows: number;
  seconds: number;
  requests: number;
}

/**
 * The demo: a Spotify-compatible server on loopback with a deterministic catalog, and 104 weekly global Top 200
 * charts run through the real pipeline (extract over HTTP → raw JSON → object-created event → transform →
 * Parquet → catalog). Weeks already in the lake are reused, so a second run finishes fast.
 */
export async function runDemo(options: DemoOptions): Promise<DemoOutcome> {
  const out = options.out ?? process.stdout;
  const catalog = buildDemoCatalog({ weeks: options.weeks ?? 104 });
  const server = await startSpotifyServer({ catalog, mode: 'development' });
  const spotify = demoSourceOptions(server.url);
  const pipeline = await LocalPipeline.open(options.store, silentLogger);
  out.write(`chartlake demo: ${catalog.weeks.length} weekly ${GLOBAL_WEEKLY_ALIAS} charts from a Spotify-compatible server at ${server.url}\n`);
  const progress = new Progress(catalog.weeks.length, 'weeks', options.progress ?? process.stderr);
  let reused = 0;
  const written: { chart: string; week: string }[] = [];
  try {
    const inLake = new Set((await readLineage(options.store, pipeline.duck, [GLOBAL_WEEKLY_ALIAS])).map((run) => run.week));
    for (const week of catalog.weeks) {
      if (inLake.has(week)) {
        reused += 1;
        progress.tick(0, `${week} (in the lake)`);
        continue;
      }
      const { weeks } = await pipeline.extractWeek({ chart: GLOBAL_WEEKLY_ALIAS, week }, spotify);
      written.push(...weeks);
      progress.tick(weeks.reduce((sum, w) => sum + w.rows.chart_entries, 0), week);
    }
    const { seconds, rows } = progress.finish();
    const extracted = written.length;
    if (extracted > 0 || !(await readCatalog(options.store))) await pipeline.crawl();
    await printSummary(pipeline, catalog.weeks[0], catalog.weeks[catalog.weeks.length - 1], out);
    out.write(`\n${extracted} week(s) extracted, ${reused} reused, ${rows.toLocaleString('en-US')} chart rows written in ${seconds.toFixed(1)}s; ${server.requests.length} requests to the Spotify server.\n`);
    out.write(`The lake is ${options.store.location}. Try:\n  npm run chartlake -- query "SELECT week, rank, track_name FROM chart_entries WHERE rank = 1 ORDER BY week DESC LIMIT 5"\n  npm run chartlake -- query --saved top-artists\n  npm run chartlake -- tables\n`);
    return { weeks: catalog.weeks.length, extracted, reused, rows, seconds, requests: server.requests.length };
  } finally {
    await pipeline.close();
    await server.close();
  }
}

async function printSummary(pipeline: LocalPipeline, firstWeek: string, lastWeek: string, out: NodeJS.WriteStream): Promise<void> {
  const engine = await pipeline.engine();
  try {
    const section = async (title: string, name: string, from: string, limit: number, columns: string[]) => {
      const result = await runSavedAnalysis(engine, savedAnalysis(name), { chart: GLOBAL_WEEKLY_ALIAS, from_week: from, to_week: lastWeek });
      const shown = { columns: result.columns.filter((c) => columns.includes(c.name)), rows: result.rows.slice(0, limit) };
      out.write(`\n${title}\n${formatResult(shown, 'table')}\n`);
    };
    await section(`This week's top 10 (${lastWeek})`, 'week-top10', firstWeek, 10, ['rank', 'track_name', 'artist_names', 'streams', 'movement']);
    await section(`Biggest climbers (${lastWeek})`, 'biggest-climbers', lastWeek, 5, ['track_name', 'artist_names', 'previous_rank', 'rank', 'places_gained']);
    await section(`Top artists, ${firstWeek} .. ${lastWeek}`, 'top-artists', firstWeek, 10, ['artist_name', 'streams', 'share_pct', 'charting_tracks', 'weeks_at_number_1']);
    await section(`Top albums, ${firstWeek} .. ${lastWeek}`, 'top-albums', firstWeek, 10, ['album', 'artists', 'charting_tracks', 'streams']);
  } finally {
    await engine.close();
  }
}
