import { expect } from 'chai';
import { chartWeeks, harness, smallCatalog, type Harness } from './helpers';
import type { RawEnvelope } from '../../src/sources/envelope';
import { SpotifySourceError } from '../../src/sources';
import type { FaultKind } from '../../src/demo/spotify-server';

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the run to fail');
}

/** Runs the first `n` weeks in order, sharing one lake (so the cache works across them). */
async function runWeeks(h: Harness, n: number): Promise<RawEnvelope[]> {
  const out: RawEnvelope[] = [];
  for (const week of chartWeeks().slice(0, n)) out.push(await h.run(week.date));
  return out;
}

/** What must not depend on faults: everything but the server's port inside `endpoint`. */
function comparable(envelope: RawEnvelope) {
  return { ...envelope, source: { ...envelope.source, endpoint: new URL(envelope.source.endpoint).pathname } };
}

describe('sources: resilience', function () {
  const harnesses: Harness[] = [];
  const open = async (...args: Parameters<typeof harness>) => {
    const h = await harness(...args);
    harnesses.push(h);
    return h;
  };
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
  });

  for (const mode of ['development', 'extended'] as const) {
    it(`${mode}: with every 5th request answered 429 or 503, all weeks complete with data identical to a fault-free run`, async () => {
      const clean = await open({ mode });
      // A periodic schedule can meet the same request several times running: allow it more attempts than the default 6.
      const faulty = await open({ mode, faults: { every: 5, kinds: ['429', '503'] } }, { maxAttemptsPerRequest: 12 });
      const expected = await runWeeks(clean, 3);
      const actual = await runWeeks(faulty, 3);
      expect(actual.map(comparable)).to.deep.equal(expected.map(comparable));
      const faults = faulty.server.requests.filter((r) => r.fault);
      expect(faults.length).to.be.greaterThan(mode === 'development' ? 50 : 3);
      expect(faults.some((r) => r.status === 429)).to.equal(true);
      expect(faults.some((r) => r.status === 503)).to.equal(true);
      // Retry-After: 1 s, scaled by the test's factor 0.001, was waited and logged.
      expect(faulty.sleeps).to.include(1);
      expect(faulty.logs.some((l) => l.level === 'warn' && /rate limit/.test(l.message))).to.equal(true);
      // Same cache content as the clean run: the next week costs the same on both.
      clean.server.clearLog();
      faulty.server.clearLog();
      faulty.server.faults = undefined;
      await clean.run(chartWeeks()[3].date);
      await faulty.run(chartWeeks()[3].date);
      expect(faulty.server.requests.map((r) => r.path).sort()).to.deep.equal(clean.server.requests.map((r) => r.path).sort());
    });
  }

  it('survives connection resets, 500/502, slow answers past the timeout and expired tokens', async () => {
    const kinds: FaultKind[] = ['reset', '500', 'slow', '502', '401'];
    const catalog = smallCatalog();
    const clean = await open({ mode: 'development', catalog });
    const faulty = await open({ mode: 'development', catalog, faults: { every: 7, kinds }, slowMs: 400 }, { requestTimeoutMs: 100 });
    const expected = await runWeeks(clean, 2);
    const actual = await runWeeks(faulty, 2);
    expect(actual.map(comparable)).to.deep.equal(expected.map(comparable));
    const seen = new Set(faulty.server.requests.map((r) => r.fault).filter(Boolean));
    expect([...seen].sort()).to.deep.equal([...kinds].sort());
    // One token per run, plus one per injected 401 (which revokes the token): never one per refused request.
    expect(faulty.server.count('token', 200)).to.equal(2 + faulty.server.requests.filter((r) => r.fault === '401').length);
    expect(faulty.server.count('track', 401) + faulty.server.count('album', 401) + faulty.server.count('artist', 401)).to.be.greaterThan(
      faulty.server.requests.filter((r) => r.fault === '401').length,
    );
    expect(faulty.logs.some((l) => /no answer within 100 ms/.test(String(l.fields.problem)))).to.equal(true);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const h = await open({ mode: 'development', latencyMs: 15, catalog: smallCatalog() }, { concurrency: 3 });
    await h.run(chartWeeks()[0].date);
    expect(h.server.peakInFlight).to.equal(3);
  });

  it('a week that cannot complete throws a clear error and leaves the cache untouched', async () => {
    const h = await open({
      mode: 'development',
      catalog: smallCatalog(),
      // Albums are down for good: tracks succeed, then the week cannot be completed.
      faults: (_i, request) => (request.route === 'album' ? '503' : undefined),
    });
    const error = await failure(h.run(chartWeeks()[0].date));
    expect(error).to.be.instanceOf(SpotifySourceError);
    expect((error as SpotifySourceError).code).to.equal('RETRY_BUDGET');
    expect(error.message).to.match(/^could not fetch the chart week regional-global-weekly 2024-11-28: gave up on GET http:\/\/127\.0\.0\.1:\d+\/v1\/albums\/\w{22} after 6 attempts \(last: 503 Service unavailable\)$/);
    expect(h.server.count('track', 200)).to.equal(40);
    expect(await h.store.list('cache/')).to.deep.equal([]);
    // Nothing half-written: once albums are back, the week fetches everything again and completes.
    h.server.faults = undefined;
    h.server.clearLog();
    const envelope = await h.run(chartWeeks()[0].date);
    expect(h.server.count('track')).to.equal(40);
    expect(Object.keys(envelope.albums).length).to.be.greaterThan(20);
    expect((await h.store.list('cache/')).length).to.equal(1);
  });

  it('stops when the run-wide retry budget is spent', async () => {
    const h = await open({ mode: 'development', faults: { every: 2, kinds: ['503'] } }, { retryBudget: 5 });
    const error = await failure(h.run(chartWeeks()[0].date));
    expect(error.message).to.match(/retry budget of 5 retries is spent \(last: 503 Service unavailable\)/);
    expect(await h.store.list('cache/')).to.deep.equal([]);
  });

  it('honours Retry-After up to the cap and logs the wait', async () => {
    const h = await open(
      { mode: 'extended', faults: { every: 3, kinds: ['429'], retryAfterSeconds: 7, scope: 'web-api' } },
      { retryAfterScale: 1, retryAfterCapMs: 2500 },
    );
    await h.run(chartWeeks()[0].date);
    // 7 s asked, 2.5 s waited (the sleep is injected: the test does not wait for real).
    expect(h.sleeps.filter((ms) => ms === 2500).length).to.equal(h.server.count('tracks', 429) + h.server.count('albums', 429) + h.server.count('artists', 429));
    expect(h.logs.find((l) => /rate limit/.test(l.message))?.fields).to.include({ waitMs: 2500, retryAfter: '7' });
  });

  it('a weekly run meeting QUOTA_EXCEEDED (or a Retry-After of hours) stops at once, sleeps not, writes nothing', async () => {
    for (const fault of [{ kind: 'quota' as const }, { kind: '429' as const, retryAfterSeconds: 3 * 3600 }]) {
      const h = await open({ mode: 'development', faults: (_i, request) => (request.route === 'track' ? fault : undefined) });
      const error = await failure(h.run(chartWeeks()[0].date));
      expect(error).to.be.instanceOf(SpotifySourceError);
      expect((error as SpotifySourceError).code).to.equal('QUOTA_EXCEEDED');
      expect(error.message).to.match(/resume after \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/);
      // At most the requests already in flight when the first quota answer came: no retry, no wait.
      expect(h.server.count('track')).to.be.at.most(4);
      expect(h.sleeps).to.deep.equal([]);
      expect(await h.store.list('cache/')).to.deep.equal([]);
    }
  });

  it('a token the API keeps refusing ends in a clear error after one refresh', async () => {
    const h = await open(
      { mode: 'development', faults: (_i, request) => (request.route === 'track' ? '401' : undefined) },
      { concurrency: 1 },
    );
    const error = await failure(h.run(chartWeeks()[0].date));
    expect(error.message).to.match(/answered 401 even with a fresh access token/);
    expect(h.server.count('token')).to.equal(2);
  });

  it('an unreachable host fails fast with the address but no retries', async () => {
    const h = await open({ mode: 'development' });
    const url = h.server.url;
    await h.server.close();
    const error = await failure(h.run(chartWeeks()[0].date));
    expect(error.message).to.include(`GET ${url}/auth/v0/charts/regional-global-weekly/2024-11-28 failed`);
    expect(error.message).to.match(/ECONNREFUSED/);
  });
});
