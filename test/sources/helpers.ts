/** Shared set-up for the sources tests: the demo catalog, a demo server, a temp-folder lake and fast retries. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildDemoCatalog, GLOBAL_WEEKLY_ALIAS, type DemoCatalog } from '../../src/demo/catalog';
import {
  demoSourceOptions,
  startSpotifyServer,
  type SpotifyServer,
  type SpotifyServerOptions,
} from '../../src/demo/spotify-server';
import { fetchChartWeek, type SpotifySourceOptions } from '../../src/sources';
import type { RawEnvelope } from '../../src/sources/envelope';
import { FsStore } from '../../src/store';

let shared: DemoCatalog | undefined;
let small: DemoCatalog | undefined;

/** One catalog for every test (building it takes a fraction of a second, but only once). */
export function demoCatalog(): DemoCatalog {
  shared ??= buildDemoCatalog();
  return shared;
}

/** The same weeks with a Top 40 only: for tests about behaviour, not about a full week's request counts. */
export function smallCatalog(): DemoCatalog {
  small ??= buildDemoCatalog({ chartSize: 40 });
  return small;
}

export function chartWeeks(catalog = demoCatalog()) {
  const weeks = catalog.charts.get(GLOBAL_WEEKLY_ALIAS);
  if (!weeks) throw new Error('demo catalog has no global chart');
  return weeks;
}

export function tempStore(): FsStore {
  return new FsStore(fs.mkdtempSync(path.join(os.tmpdir(), 'chartlake-sources-')));
}

export function removeStore(store: FsStore): void {
  fs.rmSync(store.root, { recursive: true, force: true });
}

export interface LogLine {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

export interface Harness {
  server: SpotifyServer;
  store: FsStore;
  logs: LogLine[];
  sleeps: number[];
  options: SpotifySourceOptions;
  run(week?: string, overrides?: { now?: Date; options?: Partial<SpotifySourceOptions>; store?: FsStore }): Promise<RawEnvelope>;
  close(): Promise<void>;
}

/** Options pointing every base URL at the demo server, with retries made fast for tests. */
export function testOptions(url: string, overrides: Partial<SpotifySourceOptions> = {}): SpotifySourceOptions {
  return demoSourceOptions(url, { requestTimeoutMs: 5000, retryBudget: 500, backoffBaseMs: 1, backoffMaxMs: 4, retryAfterScale: 0.001, ...overrides });
}

export async function harness(
  server: Partial<SpotifyServerOptions> = {},
  options: Partial<SpotifySourceOptions> = {},
): Promise<Harness> {
  const catalog = server.catalog ?? demoCatalog();
  const started = await startSpotifyServer({ ...server, catalog });
  const store = tempStore();
  const logs: LogLine[] = [];
  const sleeps: number[] = [];
  const base = testOptions(started.url, options);
  return {
    server: started,
    store,
    logs,
    sleeps,
    options: base,
    run: (week, overrides = {}) =>
      fetchChartWeek({
        options: { ...base, ...overrides.options },
        chart: GLOBAL_WEEKLY_ALIAS,
        week,
        store: overrides.store ?? store,
        log: (level, message, fields) => logs.push({ level, message, fields }),
        now: () => overrides.now ?? new Date(`${week ?? catalog.weeks[catalog.weeks.length - 1]}T12:00:00Z`),
        sleep: async (ms) => {
          sleeps.push(ms);
          await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5)));
        },
      }),
    close: async () => {
      await started.close();
      removeStore(store);
    },
  };
}

/** Distinct ids the week's tracks need: tracks, their albums, and the artists of both. */
export function idsNeeded(catalog: DemoCatalog, trackIds: Iterable<string>) {
  const tracks = new Set(trackIds);
  const albums = new Set<string>();
  const artists = new Set<string>();
  for (const id of tracks) {
    const track = catalog.tracks.get(id);
    if (!track) throw new Error(`no track ${id}`);
    albums.add(track.albumId);
    for (const a of track.artistIds) artists.add(a);
  }
  for (const id of albums) for (const a of catalog.albums.get(id)?.artistIds ?? []) artists.add(a);
  return { tracks, albums, artists };
}
