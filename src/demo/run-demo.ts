import { readCatalog } from '../catalog';
import { silentLogger } from '../log';
import { formatResult, runSavedAnalysis, savedAnalysis } from '../query';
import { fetchSongCredits } from '../sources';
import { lakeTableKey, type ObjectStore } from '../store';
import { readLineage, rebuildSongCredits } from '../transform';
import { LocalPipeline } from '../pipeline';
import { Progress } from '../log';
import { buildDemoCatalog, GLOBAL_WEEKLY_ALIAS } from './catalog';
import type { DemoCatalog } from './catalog-types';
import { startMusicBrainzServer, type MusicBrainzSong } from './musicbrainz-server';
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
  /** Songwriter lookups made now (0 when every charting ISRC was looked up by an earlier run). */
  songwriterLookups: number;
  musicbrainzRequests: number;
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
    // The raw objects' object-created events reach the transform as one batch, as an SQS batch does on AWS: each
    // chart-year's files are written once for the demo, not once per week.
    const { transformed } = await pipeline.inOneBatch(async () => {
      for (const week of catalog.weeks) {
        if (inLake.has(week)) {
          reused += 1;
          progress.tick(0, `${week} (in the lake)`);
          continue;
        }
        const { extract } = await pipeline.extractWeek({ chart: GLOBAL_WEEKLY_ALIAS, week }, spotify);
        progress.tick(extract.entries, week);
      }
    });
    for (const error of transformed.refused) throw error;
    written.push(...transformed.weeks);
    const { seconds, rows } = progress.finish();
    const extracted = written.length;
    const credits = await lookUpSongwriters(pipeline, catalog, options.progress ?? process.stderr);
    if (extracted > 0 || credits.rebuilt || !(await readCatalog(options.store))) await pipeline.crawl();
    await printSummary(pipeline, catalog.weeks[0], catalog.weeks[catalog.weeks.length - 1], out);
    out.write(`\n${extracted} week(s) extracted, ${reused} reused, ${rows.toLocaleString('en-US')} chart rows written in ${seconds.toFixed(1)}s; ${server.requests.length} requests to the Spotify server.\n`);
    out.write(
      `Songwriters: ${credits.isrcs} ISRCs, ${credits.lookedUp} looked up now with ${credits.requests} requests to the MusicBrainz test server ` +
        `in ${credits.seconds.toFixed(1)}s (${credits.matched} with writers; the rest unknown, as on MusicBrainz).\n`,
    );
    out.write(`The lake is ${options.store.location}. Try:\n  npm run chartlake -- query "SELECT week, rank, track_name FROM chart_entries WHERE rank = 1 ORDER BY week DESC LIMIT 5"\n  npm run chartlake -- query --saved top-artists\n  npm run chartlake -- query --saved top-songwriters\n  npm run chartlake -- tables\n`);
    return { weeks: catalog.weeks.length, extracted, reused, rows, seconds, requests: server.requests.length, songwriterLookups: credits.lookedUp, musicbrainzRequests: credits.requests };
  } finally {
    await pipeline.close();
    await server.close();
  }
}

/** The demo catalog's charting tracks as MusicBrainz songs: ISRC, title and the catalog's songwriters. */
export function demoChartingSongs(catalog: DemoCatalog): MusicBrainzSong[] {
  const charting = new Set([...catalog.charts.values()].flat().flatMap((week) => week.entries.map((entry) => entry.trackId)));
  return [...charting]
    .map((id) => catalog.tracks.get(id))
    .filter((track) => track !== undefined)
    .map((track) => ({ isrc: track.isrc, title: track.name, writers: track.songWriters }));
}

/**
 * The songwriters of the demo's charting tracks: the MusicBrainz test server serves the demo catalog's credits by
 * ISRC, and the real client looks them up (each lookup chain a raw object under raw/musicbrainz/), then the transform
 * rebuilds song_credits. The server is on loopback, so the client may go faster than MusicBrainz's one request per
 * second; an ISRC looked up by an earlier run is not asked again.
 */
async function lookUpSongwriters(pipeline: LocalPipeline, catalog: DemoCatalog, progressStream: NodeJS.WriteStream) {
  const songs = demoChartingSongs(catalog);
  const server = await startMusicBrainzServer({ songs, minIntervalMs: 0, slowShare: 0 });
  const started = performance.now();
  try {
    let progress: Progress | undefined;
    const result = await fetchSongCredits(pipeline.store, songs.map((song) => song.isrc), { baseUrl: server.url, minIntervalMs: 0, log: silentLogger }, (p) => {
      progress ??= new Progress(p.toDo, 'songwriter lookups', progressStream);
      progress.tick(0, `${p.requests} MusicBrainz requests`);
    });
    progress?.finish();
    const rebuilt = result.looked_up > 0 || !(await pipeline.store.list(lakeTableKey('song_credits'))).some((o) => o.key === lakeTableKey('song_credits'));
    if (rebuilt) await rebuildSongCredits(pipeline.router.context);
    return { isrcs: result.isrcs, lookedUp: result.looked_up, requests: result.requests, matched: result.outcomes.matched, rebuilt, seconds: (performance.now() - started) / 1000 };
  } finally {
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
    await section(`Top songwriters, ${firstWeek} .. ${lastWeek} (MusicBrainz)`, 'top-songwriters', firstWeek, 10, ['songwriter', 'streams', 'share_pct', 'charting_songs', 'weeks_at_number_1']);
  } finally {
    await engine.close();
  }
}
