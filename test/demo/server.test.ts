import { expect } from 'chai';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { buildDemoCatalog, GLOBAL_WEEKLY_ALIAS, type DemoCatalog } from '../../src/demo/catalog';
import { ACCOUNTS_ERROR_SCHEMA, CHART_VIEW_SCHEMA, CHARTS_PUBLIC_SCHEMA, TOKEN_RESPONSE_SCHEMA } from '../../src/demo/service-schemas';
import {
  DEMO_CHARTS_TOKEN,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  startSpotifyServer,
  type SpotifyServer,
  type SpotifyServerOptions,
} from '../../src/demo/spotify-server';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('demo Spotify server', function () {
  let catalog: DemoCatalog;
  let server: SpotifyServer | undefined;

  before(() => {
    catalog = buildDemoCatalog({ weeks: 8 });
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(options: Partial<SpotifyServerOptions> = {}): Promise<SpotifyServer> {
    server = await startSpotifyServer({ catalog, ...options });
    return server;
  }

  async function token(s: SpotifyServer, secret = DEMO_CLIENT_SECRET): Promise<Response> {
    return fetch(`${s.url}/api/token`, {
      method: 'POST',
      headers: { Authorization: basic(DEMO_CLIENT_ID, secret), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
  }

  function trackId(): string {
    return catalog.charts.get(GLOBAL_WEEKLY_ALIAS)![0].entries[0].trackId;
  }

  it('listens on 127.0.0.1 with a free port by default and logs method, path and status', async () => {
    const s = await start();
    expect(s.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    const issued = (await (await token(s)).json()) as { access_token: string };
    await fetch(`${s.url}/v1/tracks/${trackId()}`, { headers: { Authorization: `Bearer ${issued.access_token}` } });
    await fetch(`${s.url}/v1/nothing-here`);
    expect(s.requests.map(({ method, path, status, route }) => ({ method, path, status, route }))).to.deep.equal([
      { method: 'POST', path: '/api/token', status: 200, route: 'token' },
      { method: 'GET', path: `/v1/tracks/${trackId()}`, status: 200, route: 'track' },
      { method: 'GET', path: '/v1/nothing-here', status: 404, route: 'unknown' },
    ]);
    expect(s.count('track', 200)).to.equal(1);
  });

  it('refuses wrong client credentials and unknown or revoked tokens', async () => {
    const s = await start();
    expect((await token(s, 'wrong')).status).to.equal(400);
    const issued = (await (await token(s)).json()) as { access_token: string };
    const get = (auth: string) => fetch(`${s.url}/v1/tracks/${trackId()}`, { headers: { Authorization: auth } });
    expect((await get('Bearer not-a-token')).status).to.equal(401);
    expect((await get(`Bearer ${issued.access_token}`)).status).to.equal(200);
    s.revokeTokens();
    expect((await get(`Bearer ${issued.access_token}`)).status).to.equal(401);
  });

  it('expires tokens after tokenLifetimeSeconds', async () => {
    const s = await start({ tokenLifetimeSeconds: 0.05 });
    const issued = (await (await token(s)).json()) as { access_token: string; expires_in: number };
    expect(issued.expires_in).to.equal(0.05);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const answer = await fetch(`${s.url}/v1/tracks/${trackId()}`, { headers: { Authorization: `Bearer ${issued.access_token}` } });
    expect(answer.status).to.equal(401);
  });

  it('development mode refuses batch gets with 403, or 404 when told to', async () => {
    for (const status of [403, 404] as const) {
      const s = await start({ mode: 'development', removedEndpointStatus: status });
      const issued = (await (await token(s)).json()) as { access_token: string };
      const answer = await fetch(`${s.url}/v1/artists?ids=${catalog.tracks.get(trackId())!.artistIds[0]}`, {
        headers: { Authorization: `Bearer ${issued.access_token}` },
      });
      expect(answer.status).to.equal(status);
      await s.close();
      server = undefined;
    }
  });

  it('extended mode answers batch gets in order, null for unknown ids, 400 above the batch limit', async () => {
    const s = await start({ mode: 'extended' });
    const issued = (await (await token(s)).json()) as { access_token: string };
    const auth = { headers: { Authorization: `Bearer ${issued.access_token}` } };
    const ids = [trackId(), '0000000000000000000000'];
    const body = (await (await fetch(`${s.url}/v1/tracks?ids=${ids.join(',')}`, auth)).json()) as { tracks: ({ id: string } | null)[] };
    expect(body.tracks.map((t) => t?.id ?? null)).to.deep.equal([trackId(), null]);
    const tooMany = [...catalog.albums.keys()].slice(0, 21).join(',');
    expect((await fetch(`${s.url}/v1/albums?ids=${tooMany}`, auth)).status).to.equal(400);
  });

  it('injects faults on schedule: every n-th request in scope, kinds in turn', async () => {
    const s = await start({ faults: { every: 2, kinds: ['429', '503', '500'], scope: 'charts', retryAfterSeconds: 3 } });
    const statuses: number[] = [];
    const retryAfter: (string | null)[] = [];
    for (let i = 0; i < 6; i++) {
      const answer = await fetch(`${s.url}/public/v0/charts`);
      statuses.push(answer.status);
      retryAfter.push(answer.headers.get('retry-after'));
      await answer.arrayBuffer();
    }
    // A token request is out of the `charts` scope and does not move the schedule.
    expect((await token(s)).status).to.equal(200);
    expect(statuses).to.deep.equal([200, 429, 200, 503, 200, 500]);
    expect(retryAfter[1]).to.equal('3');
    expect(s.requests.filter((r) => r.fault).map((r) => r.fault)).to.deep.equal(['429', '503', '500']);
  });

  it('a fault function decides per request; reset drops the connection; slow answers late', async () => {
    const s = await start({
      slowMs: 150,
      faults: (index, request) => (request.route !== 'charts-public' ? undefined : index === 1 ? 'reset' : index === 2 ? 'slow' : undefined),
    });
    const reset = await fetch(`${s.url}/public/v0/charts`).then(
      () => 'answered',
      () => 'connection error',
    );
    expect(reset).to.equal('connection error');
    const started = Date.now();
    expect((await fetch(`${s.url}/public/v0/charts`)).status).to.equal(200);
    expect(Date.now() - started).to.be.at.least(140);
    expect(s.requests.map((r) => [r.fault ?? null, r.status])).to.deep.equal([
      ['reset', 0],
      ['slow', 200],
    ]);
  });

  it('serves the Charts service: public latest (50) and authorized weeks (200), at the real paths', async () => {
    const s = await start();
    const weeks = catalog.charts.get(GLOBAL_WEEKLY_ALIAS)!;
    const publicBody = (await (await fetch(`${s.url}/public/v0/charts`)).json()) as {
      chartEntryViewResponses: { displayChart: { date: string }; entries: unknown[] }[];
    };
    expect(publicBody.chartEntryViewResponses[0].displayChart.date).to.equal(weeks[weeks.length - 1].date);
    expect(publicBody.chartEntryViewResponses[0].entries).to.have.length(50);
    const auth = { headers: { Authorization: `Bearer ${DEMO_CHARTS_TOKEN}` } };
    const week = (await (await fetch(`${s.url}/auth/v0/charts/${GLOBAL_WEEKLY_ALIAS}/${weeks[2].date}`, auth)).json()) as {
      displayChart: { date: string };
      entries: unknown[];
    };
    expect(week.displayChart.date).to.equal(weeks[2].date);
    expect(week.entries).to.have.length(200);
    expect((await fetch(`${s.url}/auth/v0/charts/${GLOBAL_WEEKLY_ALIAS}/${weeks[2].date}`)).status).to.equal(401);
    // Weeks after `latestWeek` are not published yet.
    s.latestWeek = weeks[3].date;
    expect((await fetch(`${s.url}/auth/v0/charts/${GLOBAL_WEEKLY_ALIAS}/${weeks[5].date}`, auth)).status).to.equal(404);
  });

  it('Charts service and Accounts answers match their schemas (derived from real answers)', async () => {
    const s = await start();
    const ajv = new Ajv({ allErrors: true });
    addFormats(ajv);
    const problems: string[] = [];
    const validate = (schema: object, body: unknown, label: string) => {
      const fn = ajv.compile(schema);
      if (!fn(body)) problems.push(`${label}: ${ajv.errorsText(fn.errors)}`);
    };
    validate(CHARTS_PUBLIC_SCHEMA, await (await fetch(`${s.url}/public/v0/charts`)).json(), 'public charts');
    for (const week of catalog.charts.get(GLOBAL_WEEKLY_ALIAS)!) {
      const answer = await fetch(`${s.url}/auth/v0/charts/${GLOBAL_WEEKLY_ALIAS}/${week.date}`, { headers: { Authorization: `Bearer ${DEMO_CHARTS_TOKEN}` } });
      validate(CHART_VIEW_SCHEMA, await answer.json(), `chart ${week.date}`);
    }
    validate(TOKEN_RESPONSE_SCHEMA, await (await token(s)).json(), 'token');
    validate(ACCOUNTS_ERROR_SCHEMA, await (await token(s, 'wrong')).json(), 'token refused');
    expect(problems).to.deep.equal([]);
    // The schema is not vacuous: a broken entry is caught.
    expect(ajv.validate(CHART_VIEW_SCHEMA, { displayChart: { date: 'x' }, entries: [{}] })).to.equal(false);
  });

  it('closes promptly even with a slow answer pending', async () => {
    const s = await start({ faults: { every: 1, kinds: ['slow'] }, slowMs: 10_000 });
    const pending = fetch(`${s.url}/public/v0/charts`).catch(() => 'closed');
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = Date.now();
    await s.close();
    server = undefined;
    expect(Date.now() - started).to.be.below(1000);
    expect(await pending).to.equal('closed');
  });
});
