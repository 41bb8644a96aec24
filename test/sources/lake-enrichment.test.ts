/**
 * `chartlake enrich` on the 52 real US weeks of 2023 imported from CSV, against `spotify-server --from-lake`:
 * request counts per mode, nothing asked twice, QUOTA_EXCEEDED, a SIGKILLed run resumed, OpenAPI-valid answers,
 * and raw enrichment objects that hold every track of each week with its album and artists.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { requireShared } from '../support/lake';
import { buildLakeCatalog } from '../../src/demo/lake-catalog';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startSpotifyServer, type RequestLogEntry, type SpotifyServer } from '../../src/demo/spotify-server';
import type { DemoCatalog } from '../../src/demo/catalog-types';
import { existingRaw, handleEnrich, handleExtract, importChartsCsv, readLakeWeeks } from '../../src/extract';
import { GLOBAL_WEEKLY_ALIAS } from '../../src/demo/catalog';
import { EntityCache } from '../../src/sources/entity-cache';
import { envelopeProblem, type EnrichmentEnvelope } from '../../src/sources/envelope';
import { isSourceError, type SpotifySourceOptions } from '../../src/sources';
import type { FsStore } from '../../src/store';
import { OpenApiValidator, SPEC_PATH } from '../demo/openapi';
import { removeStore, smallCatalog, tempStore, testOptions } from './helpers';

const US_2023 = path.resolve(__dirname, '..', '..', '..', 'shared', 'data', 'spotify-charts', 'us-weekly-2023');
const SINGLE = { track: '/tracks/{id}', album: '/albums/{id}', artist: '/artists/{id}', tracks: '/tracks', albums: '/albums', artists: '/artists' } as const;
const ceil = (n: number, size: number) => Math.ceil(n / size);

/** The CSV files' track ids per week, read with a regex: independent of the CSV reader under test. */
function csvTrackIds(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const name of fs.readdirSync(US_2023).sort()) {
    const week = /(\d{4}-\d{2}-\d{2})\.csv$/.exec(name)![1];
    const text = fs.readFileSync(path.join(US_2023, name), 'utf8');
    out.set(week, [...text.matchAll(/spotify:track:([0-9A-Za-z]{22})/g)].map((m) => m[1]));
  }
  return out;
}

/** What a full enrichment needs, from the catalog records the server renders (not from the client). */
function needed(catalog: DemoCatalog, trackIds: Iterable<string>) {
  const tracks = new Set(trackIds);
  const albums = new Set<string>();
  const artists = new Set<string>();
  for (const id of tracks) {
    const track = catalog.tracks.get(id)!;
    albums.add(track.albumId);
    track.artistIds.forEach((a) => artists.add(a));
  }
  for (const id of albums) catalog.albums.get(id)!.artistIds.forEach((a) => artists.add(a));
  return { tracks, albums, artists };
}

/** Ids a route was asked for (single gets: the path; batches: every id of `ids=`). */
function askedIds(requests: readonly RequestLogEntry[], kind: 'track' | 'album' | 'artist'): string[] {
  return requests.flatMap((r) => {
    if (r.route === kind) return [r.path.slice(r.path.lastIndexOf('/') + 1)];
    if (r.route === `${kind}s`) return new URL(r.url, 'http://x').searchParams.get('ids')!.split(',');
    return [];
  });
}

describe('chartlake enrich: the 52 real US weeks of 2023 against spotify-server --from-lake', function () {
  this.timeout(240_000);
  let csvStore: FsStore;
  let catalog: DemoCatalog;
  let weekTracks: Map<string, string[]>;
  let need: ReturnType<typeof needed>;
  let openapi: OpenApiValidator | undefined;
  const cleanup: (() => Promise<void> | void)[] = [];

  before(async function () {
    if (!fs.existsSync(US_2023)) return;
    weekTracks = csvTrackIds();
    csvStore = tempStore();
    for (const name of fs.readdirSync(US_2023)) await importChartsCsv(csvStore, name, fs.readFileSync(path.join(US_2023, name)));
    catalog = buildLakeCatalog(await readLakeWeeks(csvStore));
    need = needed(catalog, [...weekTracks.values()].flat());
    if (fs.existsSync(SPEC_PATH)) openapi = new OpenApiValidator();
  });

  beforeEach(function () {
    requireShared(this);
  });

  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  after(() => csvStore && removeStore(csvStore));

  /** A copy of the CSV-only lake, a server over it, and every served body checked against the OpenAPI document. */
  async function setUp(mode: 'development' | 'extended', faults?: Parameters<typeof startSpotifyServer>[0]['faults']) {
    const store = tempStore();
    fs.cpSync(csvStore.root, store.root, { recursive: true });
    const problems: string[] = [];
    const server = await startSpotifyServer({
      catalog,
      mode,
      faults,
      onAnswer: (entry, body) => {
        const specPath = SINGLE[entry.route as keyof typeof SINGLE];
        if (!openapi || !specPath) return;
        const variant = mode === 'extended' ? 'as-published' : 'development';
        for (const error of openapi.errors(variant, specPath, entry.status, body)) problems.push(`${entry.url} ${entry.status}: ${error}`);
      },
    });
    cleanup.push(() => removeStore(store), () => server.close());
    const options = (overrides: Partial<SpotifySourceOptions> = {}) => testOptions(server.url, { apiMode: mode, ...overrides });
    const enrich = (overrides: Partial<SpotifySourceOptions> = {}) =>
      handleEnrich({ charts: ['regional-us-weekly'] }, { store, options: options(overrides), sleep: async () => undefined });
    return { store, server, problems, enrich };
  }

  async function envelopes(store: FsStore): Promise<Map<string, EnrichmentEnvelope>> {
    const out = new Map<string, EnrichmentEnvelope>();
    for (const object of await store.list('raw/spotify/')) {
      const match = /^raw\/spotify\/regional-us-weekly\/week=(\d{4}-\d{2}-\d{2})\/enrichment-[^/]+\.json$/.exec(object.key);
      expect(match, object.key).to.not.equal(null);
      out.set(match![1], JSON.parse((await store.get(object.key))!.toString('utf8')) as EnrichmentEnvelope);
    }
    return out;
  }

  function expectEveryTrackEnriched(written: Map<string, EnrichmentEnvelope>, apiMode: string): void {
    expect([...written.keys()].sort()).to.deep.equal([...weekTracks.keys()].sort());
    for (const [week, envelope] of written) {
      expect(envelopeProblem(envelope), week).to.equal(undefined);
      expect(envelope.source.kind).to.equal('enrichment');
      expect(envelope.source.api_mode).to.equal(apiMode);
      expect(envelope.entries).to.deep.equal([]);
      expect(envelope.chart).to.deep.equal({ alias: 'regional-us-weekly', region: 'us', recurrence: 'weekly', date: week });
      for (const id of weekTracks.get(week)!) {
        const track = envelope.tracks[id];
        expect(track, `${week} track ${id}`).to.not.equal(undefined);
        expect(track.external_ids?.isrc).to.match(/^US[A-Z0-9]{3}\d{7}$/);
        expect(envelope.albums[track.album.id], `${week} album of ${id}`).to.not.equal(undefined);
        for (const artist of [...track.artists, ...envelope.albums[track.album.id].artists]) {
          expect(envelope.artists[artist.id], `${week} artist ${artist.name}`).to.not.equal(undefined);
        }
      }
    }
  }

  it('development mode: one request per unseen track, album and artist; a second run makes none', async () => {
    const { store, server, problems, enrich } = await setUp('development');
    const result = await enrich();
    expect(need.tracks.size).to.be.greaterThan(1000);
    expect({ track: server.count('track'), album: server.count('album'), artist: server.count('artist'), batches: server.count('tracks') + server.count('albums') + server.count('artists'), token: server.count('token') })
      .to.deep.equal({ track: need.tracks.size, album: need.albums.size, artist: need.artists.size, batches: 0, token: 1 });
    expect(result.weeks).to.have.length(52);
    expectEveryTrackEnriched(await envelopes(store), 'development');
    expect(problems.slice(0, 5)).to.deep.equal([]);
    // No secret in what was written: raw objects and cache segments alike.
    const written = (await store.list('raw/spotify/')).map((o) => fs.readFileSync(path.join(store.root, o.key), 'utf8')).join('\n');
    for (const secret of [DEMO_CLIENT_SECRET, ...server.issuedTokens]) expect(written.includes(secret)).to.equal(false);

    server.clearLog();
    const again = await enrich();
    expect(server.requests).to.have.length(0);
    expect(again.rawKeys).to.deep.equal([]);
    expect(again.alreadyEnriched).to.equal(52);
  });

  it('extended mode: ⌈n/50⌉ track, ⌈n/20⌉ album and ⌈n/50⌉ artist batches for the whole year', async () => {
    const { store, server, problems, enrich } = await setUp('extended');
    await enrich();
    expect({ tracks: server.count('tracks'), albums: server.count('albums'), artists: server.count('artists'), single: server.count('track') + server.count('album') + server.count('artist') })
      .to.deep.equal({ tracks: ceil(need.tracks.size, 50), albums: ceil(need.albums.size, 20), artists: ceil(need.artists.size, 50), single: 0 });
    expectEveryTrackEnriched(await envelopes(store), 'extended');
    expect(problems.slice(0, 5)).to.deep.equal([]);
  });

  it('"Tyler, The Creator" is one artist with one id on every track that credits him', async () => {
    const names = [...catalog.artists.values()].map((a) => a.name);
    expect(names.filter((name) => name.includes('Creator') || name === 'Tyler')).to.deep.equal(['Tyler, The Creator']);
    const tylers = [...catalog.artists.values()].filter((a) => a.name === 'Tyler, The Creator');
    const { store, enrich } = await setUp('development');
    await enrich();
    const ids = new Set<string>();
    for (const envelope of (await envelopes(store)).values()) {
      for (const artist of Object.values(envelope.artists)) if (artist.name.includes('The Creator')) ids.add(artist.id);
      const seeYouAgain = envelope.tracks['7KA4W4McWYRpgf0fWsJZWB'];
      if (seeYouAgain) expect(seeYouAgain.artists.map((a) => a.name)).to.deep.equal(['Tyler, The Creator', 'Kali Uchis']);
    }
    expect([...ids]).to.deep.equal([tylers.find((a) => a.name === 'Tyler, The Creator')!.id]);
  });

  it('`chartlake spotify-server --from-lake` prints export lines and serves the lake\'s real tracks', async () => {
    const repo = path.resolve(__dirname, '..', '..');
    const child = spawn(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'src/cli/main.ts', 'spotify-server', '--from-lake', csvStore.root], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanup.push(() => void child.kill('SIGKILL'));
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        if (out.includes('Ctrl-C')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`spotify-server exited (${code}) before it listened: ${out}`)));
    });
    const env = Object.fromEntries([...out.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
    expect(env).to.include({ SPOTIFY_CLIENT_ID: DEMO_CLIENT_ID, SPOTIFY_CLIENT_SECRET: DEMO_CLIENT_SECRET });
    expect(out).to.include(`${catalog.tracks.size} tracks`);
    expect(out).to.include(`enrich --lake ${csvStore.root}`);
    const base = env.CHARTLAKE_SPOTIFY_BASE_URL;
    const token = await fetch(`${base}/api/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${DEMO_CLIENT_ID}:${DEMO_CLIENT_SECRET}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    // Kill Bill, #1 of 2023-01-05 in the CSV.
    const track = await fetch(`${base}/v1/tracks/1Qrg8KqiBpW07V7PNxwwwL`, { headers: { Authorization: `Bearer ${token.access_token}` } }).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(track).to.include({ id: '1Qrg8KqiBpW07V7PNxwwwL', name: 'Kill Bill' });
    expect((track.artists as { name: string }[]).map((a) => a.name)).to.deep.equal(['SZA']);
    if (openapi) expect(openapi.errors('development', '/tracks/{id}', 200, track)).to.deep.equal([]);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
  });

  it('QUOTA_EXCEEDED stops the run with when to resume, keeps what was fetched; the next run asks only for the rest', async () => {
    let webApi = 0;
    const { store, server, problems, enrich } = await setUp('development', (_index, request) =>
      ['track', 'album', 'artist'].includes(request.route) && ++webApi > 700 ? { kind: 'quota', retryAfterSeconds: 7200 } : undefined,
    );
    const started = Date.now();
    const error = await enrich().then(() => undefined, (e: unknown) => e);
    expect(isSourceError(error) && error.code).to.equal('QUOTA_EXCEEDED');
    const message = (error as Error).message;
    expect(message).to.match(/quota .*spent/i);
    const resumeAt = /resume after (\S+Z)/.exec(message)?.[1];
    expect(Date.parse(resumeAt ?? '') - started).to.be.within(7_190_000, 7_300_000);
    expect(message).to.match(/Everything fetched so far is kept/);
    // The server's request log decides what counts as fetched: every 200 reached the cache; no envelope yet.
    expect(server.requests.filter((r) => r.status === 429).length).to.be.at.most(4);
    const ok = askedIds(server.requests.filter((r) => r.status === 200), 'track');
    const cache = await EntityCache.load(store, 'cache/spotify/', () => undefined);
    expect(ok.length).to.equal(700);
    for (const id of ok) expect(cache.track(id), id).to.not.equal(undefined);
    expect((await store.list('raw/spotify/')).length).to.equal(0);

    server.faults = undefined;
    server.clearLog();
    await enrich();
    expect(askedIds(server.requests, 'track').sort()).to.deep.equal([...need.tracks].filter((id) => !ok.includes(id)).sort());
    expect(server.count('album') + server.count('artist')).to.equal(need.albums.size + need.artists.size);
    expectEveryTrackEnriched(await envelopes(store), 'development');
    expect(problems.slice(0, 5)).to.deep.equal([]);
  });

  it('a SIGKILLed `chartlake enrich` resumed asks exactly for what the cache did not keep', async () => {
    const { store, server, enrich } = await setUp('development');
    const env = {
      ...process.env,
      CHARTLAKE_SPOTIFY_BASE_URL: server.url,
      SPOTIFY_CLIENT_ID: DEMO_CLIENT_ID,
      SPOTIFY_CLIENT_SECRET: DEMO_CLIENT_SECRET,
      CHARTLAKE_API_MODE: 'development',
    };
    const repo = path.resolve(__dirname, '..', '..');
    const child = spawn(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'src/cli/main.ts', 'enrich', '--lake', store.root], { cwd: repo, env, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Killed mid-run, by the server's own count: after 400 answered single gets of tracks.
    const killAt = 400;
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (server.count('track', 200) >= killAt) {
          child.kill('SIGKILL');
          clearInterval(timer);
          resolve();
        }
      }, 2);
      child.on('exit', () => {
        clearInterval(timer);
        reject(new Error('the enrich child exited before it was killed'));
      });
    });
    expect(await exited).to.equal('SIGKILL');
    const first = askedIds(server.requests, 'track');
    const cache = await EntityCache.load(store, 'cache/spotify/', () => undefined);
    const kept = [...need.tracks].filter((id) => cache.track(id));
    expect(kept.length).to.be.greaterThan(killAt - 100);
    expect(kept.every((id) => first.includes(id))).to.equal(true);

    server.clearLog();
    await enrich();
    const second = askedIds(server.requests, 'track');
    expect(second.sort()).to.deep.equal([...need.tracks].filter((id) => !kept.includes(id)).sort());
    // Asked twice: only what was in flight or not yet flushed when the process died (one flush of 50 at most).
    expect(second.filter((id) => first.includes(id)).length).to.be.at.most(50);
    expect(server.count('album')).to.equal(need.albums.size);
    expectEveryTrackEnriched(await envelopes(store), 'development');
  });
});

describe('chartlake enrich: weeks extracted without credentials', function () {
  this.timeout(60_000);

  it('enriches an unenriched extract (with the artist ids its chart names); the extract then still sees the week as extracted', async () => {
    const catalog = smallCatalog();
    const server = await startSpotifyServer({ catalog, mode: 'development' });
    const store = tempStore();
    try {
      const week = catalog.weeks[0];
      const bare = testOptions(server.url, { clientId: undefined, clientSecret: undefined });
      const extracted = await handleExtract({ chart: GLOBAL_WEEKLY_ALIAS, week }, { store, options: bare });
      expect(extracted.apiMode).to.equal('none');
      server.clearLog();

      const result = await handleEnrich({}, { store, options: testOptions(server.url, { apiMode: 'development' }), sleep: async () => undefined });
      const need = needed(catalog, catalog.charts.get(GLOBAL_WEEKLY_ALIAS)![0].entries.map((e) => e.trackId));
      expect({ track: server.count('track'), album: server.count('album'), artist: server.count('artist') })
        .to.deep.equal({ track: need.tracks.size, album: need.albums.size, artist: need.artists.size });
      expect(result.rawKeys).to.have.length(1);
      const envelope = JSON.parse((await store.get(result.rawKeys[0]))!.toString('utf8')) as EnrichmentEnvelope;
      expect(Object.keys(envelope.tracks).sort()).to.deep.equal([...need.tracks].sort());
      expect(Object.keys(envelope.artists).sort()).to.deep.equal([...need.artists].sort());

      // The enrichment object is no extract: the week stays "already extracted" by its charts-service object.
      const again = await handleExtract({ chart: GLOBAL_WEEKLY_ALIAS, week }, { store, options: bare });
      expect(again).to.include({ skipped: true, rawKey: extracted.rawKey });
      // And a lake holding only an enrichment object for a week would still extract that week.
      await store.delete(extracted.rawKey);
      expect(await existingRaw(store, GLOBAL_WEEKLY_ALIAS, week)).to.equal(undefined);
    } finally {
      await server.close();
      removeStore(store);
    }
  });
});
