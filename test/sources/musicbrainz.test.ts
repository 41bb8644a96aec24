import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import got from 'got';
import { loadConfig } from '../../src/config';
import { fetchSongCredits, musicBrainzUserAgent, Pacer, RECORDING_INCLUDES, type MusicBrainzLookup } from '../../src/sources';
import { FsStore, parseMusicBrainzKey, rawMusicBrainzKey, MUSICBRAINZ_PREFIX, type MusicBrainzOutcome } from '../../src/store';
import { startMusicBrainzServer, type IsrcModel, type MusicBrainzServer } from '../../src/demo/musicbrainz-server';
import { removeDir, tempDir } from '../support/lake';

const REPO = path.resolve(__dirname, '..', '..');
const WORKER = path.join(__dirname, 'musicbrainz-worker.ts');
const PACE_WORKER = path.join(__dirname, 'musicbrainz-pace-worker.ts');
const UA = 'chartlake-test/1 ( test@example.org )';

/** `count` made-up ISRCs (country US, registrant CLK, year 23). */
export function testIsrcs(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => `USCLK23${String(from + i).padStart(5, '0')}`);
}

/** What a lookup of this ISRC must find, from the server's model (not from the client). */
function expectedOutcome(model: IsrcModel): MusicBrainzOutcome {
  if (model.recordings.length === 0) return 'no-recording';
  const works = model.recordings.flatMap((r) => r.works);
  if (works.length === 0) return 'no-work';
  return works.some((w) => w.writers.length > 0) ? 'matched' : 'no-writer';
}

/** Requests of one chain: the ISRC lookup, then one per recording. */
const chainRequests = (model: IsrcModel) => 1 + model.recordings.length;

async function storedIsrcs(store: FsStore): Promise<string[]> {
  return (await store.list(MUSICBRAINZ_PREFIX)).map((o) => parseMusicBrainzKey(o.key)!.isrc).sort();
}

describe('MusicBrainz songwriter lookups', function () {
  let dir: string;
  let server: MusicBrainzServer | undefined;
  // These tests are about counts, not about the pace: the client paces 10 ms and the server does not refuse a
  // fast client (a loaded machine can bring two requests closer together on arrival than they were sent).
  const fast = { minIntervalMs: 10 };
  const lenient = { minIntervalMs: 0 };

  beforeEach(() => {
    dir = tempDir('musicbrainz');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    removeDir(dir);
  });

  it('raw keys: one object per ISRC lookup, outcome in the name, parsed back', () => {
    const key = rawMusicBrainzKey('USUM72301234', '2026-11-30T04:10:00.123Z', 'no-recording');
    expect(key).to.equal('raw/musicbrainz/isrc=USUM72301234/2026-11-30T04-10-00.123Z.no-recording.json');
    expect(parseMusicBrainzKey(key)).to.deep.equal({ isrc: 'USUM72301234', fetchedAt: '2026-11-30T04:10:00.123Z', outcome: 'no-recording' });
    expect(parseMusicBrainzKey('raw/spotify/regional-us-weekly/week=2023-01-05/x.json')).to.equal(undefined);
    expect(() => rawMusicBrainzKey('US-UM7-23-01234', '2026-11-30T04:10:00Z', 'matched')).to.throw(/invalid ISRC/);
  });

  it('asks one chain per unseen ISRC, stores each as MusicBrainz answered, and nothing the second time', async () => {
    const isrcs = testIsrcs(40);
    server = await startMusicBrainzServer({ songs: isrcs.map((isrc) => ({ isrc })), ...lenient, slowMs: 30 });
    const store = new FsStore(dir);
    const progress: number[] = [];
    const first = await fetchSongCredits(store, [...isrcs, isrcs[0].toLowerCase(), 'not-an-isrc'], { baseUrl: server.url, ...fast }, (p) => progress.push(p.done));

    const models = isrcs.map((isrc) => server!.modelOf(isrc)!);
    const expectedRequests = models.reduce((sum, m) => sum + chainRequests(m), 0);
    expect(server.requests.length).to.equal(expectedRequests);
    expect(server.requests.filter((r) => r.status !== 200 && r.status !== 404)).to.deep.equal([]);
    expect(first.requests).to.equal(expectedRequests);
    expect(first.invalid).to.deep.equal(['NOT-AN-ISRC']);
    expect(first.looked_up).to.equal(40);
    expect(progress).to.deep.equal(Array.from({ length: 40 }, (_, i) => i + 1));
    // Every ISRC's chain asked exactly once, recordings included.
    for (const model of models) {
      expect(server.requests.filter((r) => r.url.startsWith(`/ws/2/isrc/${model.isrc}?`)), model.isrc).to.have.length(1);
      for (const recording of model.recordings) {
        expect(server.requests.filter((r) => r.url === `/ws/2/recording/${recording.id}?inc=${RECORDING_INCLUDES}&fmt=json`)).to.have.length(1);
      }
    }
    // The outcomes follow what the server knows; the test data has each kind.
    const outcomes: Record<string, number> = {};
    for (const model of models) outcomes[expectedOutcome(model)] = (outcomes[expectedOutcome(model)] ?? 0) + 1;
    expect(first.outcomes).to.deep.include(outcomes);
    expect(Object.keys(outcomes)).to.include.members(['matched', 'no-recording', 'no-work']);
    expect(models.some((m) => m.recordings.length > 1)).to.equal(true);

    const objects = await store.list(MUSICBRAINZ_PREFIX);
    expect(objects).to.have.length(40);
    const lookup = JSON.parse((await store.get(objects[0].key))!.toString()) as MusicBrainzLookup;
    expect(lookup.answers.map((a) => a.request)[0]).to.equal(`/ws/2/isrc/${lookup.isrc}?fmt=json`);
    expect(lookup.answers).to.have.length(chainRequests(server.modelOf(lookup.isrc)!));

    server.clearLog();
    const second = await fetchSongCredits(store, isrcs, { baseUrl: server.url, ...fast });
    expect(server.requests).to.have.length(0);
    expect(second).to.include({ requests: 0, looked_up: 0, cached: 40 });
  });

  it('remembers a miss, and asks it again only once it is older than missRetryDays', async () => {
    const isrcs = testIsrcs(30);
    server = await startMusicBrainzServer({ songs: isrcs.map((isrc) => ({ isrc })), ...lenient });
    const store = new FsStore(dir);
    const start = Date.parse('2026-11-01T00:00:00Z');
    await fetchSongCredits(store, isrcs, { baseUrl: server.url, ...fast, now: () => new Date(start) });
    const misses = isrcs.filter((isrc) => server!.modelOf(isrc)!.recordings.length === 0);
    expect(misses.length).to.be.greaterThan(0);

    server.clearLog();
    const soon = await fetchSongCredits(store, isrcs, { baseUrl: server.url, ...fast, now: () => new Date(start + 29 * 86_400_000) });
    expect(soon.requests).to.equal(0);
    const later = await fetchSongCredits(store, isrcs, { baseUrl: server.url, ...fast, now: () => new Date(start + 31 * 86_400_000) });
    expect(server.requests.map((r) => r.url).sort()).to.deep.equal(misses.map((isrc) => `/ws/2/isrc/${isrc}?fmt=json`).sort());
    expect(later.looked_up).to.equal(misses.length);
  });

  it('503: waits Retry-After (holding every request), retries, and ends with the same lake as without', async () => {
    const isrcs = testIsrcs(6);
    server = await startMusicBrainzServer({ songs: isrcs.map((isrc) => ({ isrc })), ...lenient, busyRequests: new Set([2, 3, 7]) });
    const store = new FsStore(dir);
    const result = await fetchSongCredits(store, isrcs, { baseUrl: server.url, ...fast });
    const clean = isrcs.reduce((sum, isrc) => sum + chainRequests(server!.modelOf(isrc)!), 0);
    expect(server.requests.filter((r) => r.status === 503).map((r) => r.index)).to.deep.equal([2, 3, 7]);
    expect(result.requests).to.equal(clean + 3);
    // Retry-After: 1 → the next request comes at least ~1 s after each 503 (measured on the server's clock).
    for (const index of [2, 3, 7]) {
      const gap = server.requests[index].at - server.requests[index - 1].at;
      expect(gap, `after request ${index}`).to.be.at.least(990);
    }
    expect(await storedIsrcs(store)).to.deep.equal([...isrcs].sort());
    const outcomes = (await store.list(MUSICBRAINZ_PREFIX)).map((o) => parseMusicBrainzKey(o.key)!);
    for (const { isrc, outcome } of outcomes) expect(outcome, isrc).to.equal(expectedOutcome(server.modelOf(isrc)!));
  });

  it('503 to a client that asks faster than once a second; a paced client never meets one (gaps from the server log)', async function () {
    // Only ISRCs with an answer and one recording: two requests each.
    const candidates = testIsrcs(40);
    const probe = await startMusicBrainzServer({ songs: candidates.map((isrc) => ({ isrc })), minIntervalMs: 0 });
    const isrcs = candidates.filter((isrc) => probe.modelOf(isrc)!.recordings.length === 1).slice(0, 3);
    await probe.close();
    // Server and client in a process of their own (see the worker for why).
    const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', PACE_WORKER], {
      cwd: REPO,
      env: { ...process.env, MB_LAKE: dir, MB_ISRCS: isrcs.join(',') },
      encoding: 'utf8',
    });
    expect(child.status, child.stderr).to.equal(0);
    const report = JSON.parse(child.stdout.trim().split('\n').pop()!) as { unpaced: number[]; retryAfter: string; requests: number; log: { status: number; at: number }[] };

    // Unpaced (a 0 ms interval): the server refuses the second request of a chain at once.
    expect(report.unpaced).to.deep.equal([200, 503]);
    expect(report.retryAfter).to.equal('1');
    expect(report.requests).to.equal(6);
    const log = report.log;
    expect(log.map((r) => r.status)).to.deep.equal([200, 200, 200, 200, 200, 200]);
    const gaps = log.slice(1).map((r, i) => r.at - log[i].at);
    // Sent at least 1000 ms apart; arrival may vary by a few ms either way (the server tolerates 25 ms).
    for (const gap of gaps) expect(gap).to.be.at.least(975);
    // On average no faster than one request per second.
    expect((log[log.length - 1].at - log[0].at) / (log.length - 1)).to.be.at.least(990);
  });

  it('a killed run loses no finished chain; the rerun asks exactly the chains not stored', async function () {
    const isrcs = testIsrcs(40, 100);
    server = await startMusicBrainzServer({ songs: isrcs.map((isrc) => ({ isrc })), minIntervalMs: 0, slowShare: 0 });
    const env = { MB_LAKE: dir, MB_URL: server.url, MB_ISRCS: isrcs.join(','), MB_INTERVAL_MS: '20' };
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', WORKER], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // SIGKILL once about a third of the chains are stored (polled from the lake, not timed).
    const store = new FsStore(dir);
    while ((await store.list(MUSICBRAINZ_PREFIX)).length < 12) await new Promise((resolve) => setTimeout(resolve, 5));
    child.kill('SIGKILL');
    expect(await exited).to.equal('SIGKILL');
    expect(stdout).not.to.contain('done');

    const stored = await storedIsrcs(store);
    expect(stored.length).to.be.within(12, 39);
    const remaining = isrcs.filter((isrc) => !stored.includes(isrc));
    server.clearLog();
    const rerun = await fetchSongCredits(store, isrcs, { baseUrl: server.url, minIntervalMs: 20 });
    const asked = server.requests.filter((r) => r.route === 'isrc').map((r) => /isrc\/([^?]+)/.exec(r.url)![1]);
    expect(asked.sort()).to.deep.equal([...remaining].sort());
    expect(rerun.requests).to.equal(remaining.reduce((sum, isrc) => sum + chainRequests(server!.modelOf(isrc)!), 0));
    expect(rerun).to.include({ looked_up: remaining.length, cached: stored.length });
    expect(await storedIsrcs(store)).to.deep.equal([...isrcs].sort());
  });

  it('configuration: the contact, base URL and pace come from the environment through loadConfig', () => {
    const env = { CHARTLAKE_MUSICBRAINZ_CONTACT: 'me@example.org', CHARTLAKE_MUSICBRAINZ_BASE_URL: 'http://127.0.0.1:5000', CHARTLAKE_MUSICBRAINZ_MIN_INTERVAL_MS: '50' };
    expect(loadConfig({}, env, '/nonexistent').musicbrainz).to.deep.equal({ contact: 'me@example.org', baseUrl: 'http://127.0.0.1:5000', minIntervalMs: 50 });
    expect(loadConfig({}, {}, '/nonexistent').musicbrainz).to.deep.equal({});
    expect(() => loadConfig({}, { CHARTLAKE_MUSICBRAINZ_MIN_INTERVAL_MS: 'fast' }, '/nonexistent')).to.throw(/CHARTLAKE_MUSICBRAINZ_MIN_INTERVAL_MS must be a whole number/);
  });

  it('User-Agent: names chartlake and the contact; the real service needs a contact', () => {
    expect(musicBrainzUserAgent({ baseUrl: 'https://musicbrainz.org', contact: 'me@example.org' })).to.match(/^chartlake\/[\d.]+ \( me@example\.org \)$/);
    expect(() => musicBrainzUserAgent({ baseUrl: 'https://musicbrainz.org' })).to.throw(/CHARTLAKE_MUSICBRAINZ_CONTACT/);
    expect(musicBrainzUserAgent({ baseUrl: 'http://127.0.0.1:5000' })).to.match(/^chartlake\/[\d.]+ \(/);
  });
});

describe('MusicBrainz test server: the /ws/2/ JSON shape', () => {
  let server: MusicBrainzServer;
  const get = (url: string, headers: Record<string, string> = { 'user-agent': UA }) =>
    got(`${server.url}${url}`, { headers, throwHttpErrors: false, retry: { limit: 0 }, responseType: 'json' });

  before(async () => {
    server = await startMusicBrainzServer({
      songs: [{ isrc: 'USCLK2399999', title: 'Kill Bill', writers: ['Solána Rowe', 'Rob Bisel', 'Carter Lang'] }, ...testIsrcs(30).map((isrc) => ({ isrc }))],
      minIntervalMs: 0,
      missShare: 0,
      slowMs: 100,
    });
  });
  after(async () => server.close());

  it('an ISRC lookup lists its recordings; a recording lookup carries works and their writer relationships', async () => {
    const isrc = await get('/ws/2/isrc/USCLK2399999?fmt=json');
    expect(isrc.statusCode).to.equal(200);
    const body = isrc.body as { isrc: string; recordings: Record<string, unknown>[] };
    expect(body.isrc).to.equal('USCLK2399999');
    expect(Object.keys(body.recordings[0]).sort()).to.deep.equal(['disambiguation', 'first-release-date', 'id', 'length', 'title', 'video']);
    expect(body.recordings[0].id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const model = server.modelOf('USCLK2399999')!;
    if (model.recordings[0].works.length === 0) return; // drawn without a work: nothing more to check here
    const recording = await get(`/ws/2/recording/${model.recordings[0].id}?inc=${RECORDING_INCLUDES}&fmt=json`);
    type Rel = { type: string; 'type-id': string; 'target-type': string; direction: string; work?: { id: string; title: string; relations?: Rel[] }; artist?: { id: string; name: string; 'sort-name': string; type: string } };
    const relations = (recording.body as { relations: Rel[] }).relations;
    const performance = relations.find((r) => r['target-type'] === 'work')!;
    expect(performance).to.include({ type: 'performance', 'type-id': 'a3005666-a872-32c3-ad06-98af558e99b0', direction: 'forward' });
    const writers = performance.work!.relations!;
    expect(new Set(writers.map((r) => r.artist!.name))).to.deep.equal(new Set(model.recordings[0].works[0].writers.map((w) => w.person.name)));
    for (const rel of writers) {
      expect(rel['target-type']).to.equal('artist');
      expect(['composer', 'lyricist', 'writer']).to.include(rel.type);
      expect(rel.artist).to.include.keys('id', 'name', 'sort-name', 'type', 'disambiguation');
    }
    // Without work-level-rels the works come without their relationships, as on the real service.
    const bare = await get(`/ws/2/recording/${model.recordings[0].id}?inc=work-rels&fmt=json`);
    expect((bare.body as { relations: Rel[] }).relations.find((r) => r['target-type'] === 'work')!.work).not.to.have.property('relations');
  });

  it('an unknown ISRC is 404 with the service error body; a bad one 400; no User-Agent 403; XML is not served', async () => {
    const unknown = await get('/ws/2/isrc/GBAAA0000001?fmt=json');
    expect(unknown.statusCode).to.equal(404);
    expect(unknown.body).to.include({ error: 'Not Found' });
    expect((await get('/ws/2/isrc/nonsense?fmt=json')).statusCode).to.equal(400);
    expect((await get('/ws/2/isrc/USCLK2399999?fmt=json', { 'user-agent': '' })).statusCode).to.equal(403);
    expect((await get('/ws/2/isrc/USCLK2399999')).statusCode).to.equal(400);
  });

  it('is deterministic: two servers over the same songs answer the same', async () => {
    const other = await startMusicBrainzServer({ songs: testIsrcs(30).map((isrc) => ({ isrc })), minIntervalMs: 0, missShare: 0 });
    try {
      for (const isrc of testIsrcs(30)) expect(other.modelOf(isrc)).to.deep.equal(server.modelOf(isrc));
    } finally {
      await other.close();
    }
  });
});

describe('MusicBrainz pacer (a clock of our own)', () => {
  it('spaces each start from when the request really left, not only from its turn', async () => {
    let clock = 0;
    const starts: number[] = [];
    const pacer = new Pacer(1000, () => clock, async (ms) => void (clock += ms));
    await pacer.wait();
    starts.push(clock);
    // The first request leaves 120 ms after its turn (got's first request in a process, a busy machine).
    clock += 120;
    pacer.spaceFrom(clock);
    await pacer.wait();
    starts.push(clock);
    // The next leaves on time: its turn alone spaces the one after.
    pacer.spaceFrom(clock);
    clock += 30;
    await pacer.wait();
    starts.push(clock);
    expect(starts).to.deep.equal([0, 1120, 2120]);
  });
});
