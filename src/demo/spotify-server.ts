/**
 * A Spotify-compatible HTTP server built from a demo catalog: the Accounts token endpoint, the Web API routes
 * chartlake uses and the Charts service, at the same paths as the real hosts, so one base URL can stand in for
 * all three. Used by the tests (request log, modes, fault injection) and by the demo (`npm start`).
 *
 * `development` mode behaves like a Development Mode app sees Spotify in 2026: batch gets are gone (403, or 404
 * with `removedEndpointStatus`), Spotify-owned editorial playlists answer 404, and the dropped fields are absent.
 */
import * as http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DEFAULT_SPOTIFY_SOURCE_OPTIONS, type SpotifySourceOptions } from '../sources/options';
import { latestChartDate } from '../sources';
import type { DemoCatalog, DemoChartWeek } from './catalog-types';
import { faultFor, type Fault, type FaultFunction, type FaultSchedule, type RouteName } from './faults';
import {
  albumObject,
  artistObject,
  chartEntry,
  displayChart,
  playlistItemsPage,
  trackObject,
  type RenderContext,
  type ServerMode,
} from './render';

export type { ServerMode } from './render';
export type { Fault, FaultFunction, FaultKind, FaultSchedule, RouteName } from './faults';

/** Credentials the demo server accepts unless told otherwise (they protect nothing: the server is local). */
export const DEMO_CLIENT_ID = 'chartlakedemoclientid0000000000';
export const DEMO_CLIENT_SECRET = 'chartlake-demo-client-secret-not-a-real-one';
export const DEMO_CHARTS_TOKEN = 'chartlake-demo-charts-session-token';

/** Source options that point every base URL at a demo server, with the credentials it accepts. */
export function demoSourceOptions(url: string, overrides: Partial<SpotifySourceOptions> = {}): SpotifySourceOptions {
  return {
    ...DEFAULT_SPOTIFY_SOURCE_OPTIONS,
    source: 'charts-service',
    chartsBaseUrl: url,
    apiBaseUrl: url,
    accountsBaseUrl: url,
    chartsToken: DEMO_CHARTS_TOKEN,
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    apiMode: 'auto',
    ...overrides,
  };
}

export interface SpotifyServerOptions {
  catalog: DemoCatalog;
  /** Default `development`: what every new Spotify app gets. */
  mode?: ServerMode;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  clientId?: string;
  clientSecret?: string;
  /** The bearer token of a "logged-in charts.spotify.com session" the authorized charts routes accept. */
  chartsToken?: string;
  /** `expires_in` of issued tokens (default 3600). */
  tokenLifetimeSeconds?: number;
  faults?: FaultSchedule | FaultFunction;
  /** How a Development Mode server refuses batch gets (default 403). */
  removedEndpointStatus?: 403 | 404;
  /** Where playlist items carry their object: `item` (2026, default) or `track` (older answers). */
  playlistItemKey?: 'item' | 'track';
  /** Entries per chart on the public (no token) charts route (default 50). */
  publicChartSize?: number;
  /** The chart date the server treats as "latest" (default: the catalog's last week, or what `clock` says). */
  latestWeek?: string;
  /**
   * When given (and `latestWeek` is not), the latest week follows it: the newest chart week published at
   * `clock()`, the catalog being simulated further when the clock is past its last week. The offline demo's
   * `run`, `run --catch-up` and `schedule` then work on any day.
   */
  clock?: () => Date;
  /** Base written into `href` and paging links (default `https://api.spotify.com`, as the real API). */
  apiBase?: string;
  /** Delay of a `slow` fault when the fault names none (default 2000 ms). */
  slowMs?: number;
  /** Added before every answer, like a network round trip (default 0); makes client concurrency observable. */
  latencyMs?: number;
  /** Sees every answer sent, with its body (tests validate each against the OpenAPI document). */
  onAnswer?: (entry: RequestLogEntry, body: unknown) => void;
}

export interface RequestLogEntry {
  /** 1-based arrival order. */
  index: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** Path with the query string. */
  url: string;
  route: RouteName;
  /** The status sent; 0 when the connection was reset or the client went away first. */
  status: number;
  fault?: Fault['kind'];
}

export interface SpotifyServer {
  /** `http://127.0.0.1:<port>`: the base URL for charts, api and accounts alike. */
  readonly url: string;
  readonly port: number;
  readonly requests: readonly RequestLogEntry[];
  mode: ServerMode;
  faults: FaultSchedule | FaultFunction | undefined;
  latestWeek: string;
  /** Requests of one route (optionally only those with a given status). */
  count(route: RouteName, status?: number): number;
  clearLog(): void;
  /** Invalidates every issued access token (the next Web API call answers 401). */
  revokeTokens(): void;
  /** Every access token issued so far (tests check that none leaks into logs or errors). */
  readonly issuedTokens: readonly string[];
  /** The most requests the server was answering at one moment (tests check the client's concurrency bound). */
  readonly peakInFlight: number;
  close(): Promise<void>;
}

const ID = /^[0-9A-Za-z]{22}$/;
const BATCH_LIMITS = { tracks: 50, albums: 20, artists: 50 } as const;

class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

function apiError(status: number, message: string, headers: Record<string, string> = {}): HttpAnswer {
  return new HttpAnswer(status, { error: { status, message } }, headers);
}

export async function startSpotifyServer(options: SpotifyServerOptions): Promise<SpotifyServer> {
  const catalog = options.catalog;
  const clientId = options.clientId ?? DEMO_CLIENT_ID;
  const clientSecret = options.clientSecret ?? DEMO_CLIENT_SECRET;
  const chartsToken = options.chartsToken ?? DEMO_CHARTS_TOKEN;
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  const apiBase = options.apiBase ?? 'https://api.spotify.com';
  const publicSize = options.publicChartSize ?? 50;
  const slowMs = options.slowMs ?? 2000;
  const tokens = new Map<string, number>();
  const log: RequestLogEntry[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const issued: string[] = [];
  let scopedIndex = 0;
  let inFlight = 0;
  let peakInFlight = 0;

  const state = {
    mode: options.mode ?? 'development',
    faults: options.faults,
    latestWeek: options.latestWeek ?? catalog.weeks[catalog.weeks.length - 1],
    clock: options.latestWeek === undefined ? options.clock : undefined,
  };

  const latestWeek = (): string => {
    if (!state.clock) return state.latestWeek;
    const due = latestChartDate(state.clock());
    if (due > catalog.weeks[catalog.weeks.length - 1]) catalog.extendTo(due);
    return due;
  };

  const ctx = (): RenderContext => ({ catalog, mode: state.mode, apiBase });

  const bearer = (req: http.IncomingMessage): string | undefined => {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    return match ? match[1] : undefined;
  };

  const checkApiToken = (req: http.IncomingMessage): HttpAnswer | undefined => {
    const token = bearer(req);
    if (!token) return apiError(401, 'No token provided');
    const expires = tokens.get(token);
    if (expires === undefined || expires < Date.now()) return apiError(401, 'The access token expired');
    return undefined;
  };

  const issueToken = (req: http.IncomingMessage, body: string): HttpAnswer => {
    const form = new URLSearchParams(body);
    let id = form.get('client_id') ?? '';
    let secret = form.get('client_secret') ?? '';
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      id = decoded.slice(0, colon);
      secret = decoded.slice(colon + 1);
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return new HttpAnswer(400, { error: 'unsupported_grant_type', error_description: 'grant_type parameter is missing' });
    }
    if (id !== clientId) return new HttpAnswer(400, { error: 'invalid_client', error_description: 'Invalid client' });
    if (!sameSecret(secret, clientSecret)) {
      return new HttpAnswer(400, { error: 'invalid_client', error_description: 'Invalid client secret' });
    }
    const token = `BQ${randomBytes(60).toString('base64url')}`;
    tokens.set(token, Date.now() + lifetime * 1000);
    issued.push(token);
    return new HttpAnswer(200, { access_token: token, token_type: 'Bearer', expires_in: lifetime });
  };

  const single = (kind: 'track' | 'album' | 'artist', id: string): HttpAnswer => {
    if (!ID.test(id)) return apiError(400, 'Invalid base62 id');
    const body = render(kind, id);
    return body ? new HttpAnswer(200, body) : apiError(404, 'Resource not found');
  };

  const render = (kind: 'track' | 'album' | 'artist', id: string): Record<string, unknown> | undefined => {
    if (kind === 'track') {
      const track = catalog.tracks.get(id);
      return track && trackObject(ctx(), track);
    }
    if (kind === 'album') {
      const album = catalog.albums.get(id);
      return album && albumObject(ctx(), album);
    }
    const artist = catalog.artists.get(id);
    return artist && artistObject(ctx(), artist);
  };

  const batch = (kind: 'tracks' | 'albums' | 'artists', url: URL): HttpAnswer => {
    if (state.mode === 'development') {
      const status = options.removedEndpointStatus ?? 403;
      return apiError(status, status === 403 ? 'Forbidden' : 'Service not found');
    }
    const ids = (url.searchParams.get('ids') ?? '').split(',').filter((id) => id !== '');
    if (ids.length === 0) return apiError(400, 'invalid id');
    if (ids.length > BATCH_LIMITS[kind]) return apiError(400, 'Too many ids requested');
    if (ids.some((id) => !ID.test(id))) return apiError(400, 'Invalid base62 id');
    const singular = kind.slice(0, -1) as 'track' | 'album' | 'artist';
    // The real API answers `null` in place of an unknown id.
    return new HttpAnswer(200, { [kind]: ids.map((id) => render(singular, id) ?? null) });
  };

  const playlistItems = (id: string, url: URL): HttpAnswer => {
    const playlist = catalog.playlists.get(id);
    if (!playlist) return apiError(404, 'Resource not found');
    // Since 2024-11-27 apps without Extended Quota Mode get 404 for Spotify-owned editorial playlists.
    if (playlist.editorial && state.mode === 'development') return apiError(404, 'Resource not found');
    const limit = Number(url.searchParams.get('limit') ?? 20);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > 50) return apiError(400, 'Invalid limit');
    if (!Number.isInteger(offset) || offset < 0) return apiError(400, 'Invalid offset');
    return new HttpAnswer(200, playlistItemsPage(ctx(), playlist, offset, limit, options.playlistItemKey ?? 'item'));
  };

  const chartWeek = (alias: string, date: string): DemoChartWeek | undefined => {
    const weeks = catalog.charts.get(alias) ?? [];
    const latest = latestWeek();
    const wanted = date === 'latest' ? latest : date;
    if (wanted > latest) return undefined;
    return weeks.find((week) => week.date === wanted);
  };

  const chartView = (week: DemoChartWeek, size: number): Record<string, unknown> => {
    const weeks = catalog.charts.get(week.alias) ?? [];
    return {
      displayChart: displayChart(week.alias, week.date, weeks[0]?.date ?? week.date, latestWeek()),
      entries: week.entries.slice(0, size).map((entry) => chartEntry(catalog, entry)),
      highlights: [],
    };
  };

  const publicCharts = (): HttpAnswer => {
    const views: Record<string, unknown>[] = [];
    for (const alias of catalog.charts.keys()) {
      const week = chartWeek(alias, 'latest');
      if (week) views.push(chartView(week, publicSize));
    }
    return new HttpAnswer(200, { chartEntryViewResponses: views });
  };

  const authCharts = (req: http.IncomingMessage, alias: string, date: string): HttpAnswer => {
    const token = bearer(req);
    if (!token || !sameSecret(token, chartsToken)) return apiError(401, 'Unauthorized');
    const week = chartWeek(alias, date);
    if (!week) return apiError(404, `No chart ${alias} for ${date}`);
    return new HttpAnswer(200, chartView(week, week.entries.length));
  };

  const route = (method: string, path: string): { name: RouteName; params: string[] } => {
    const match = (pattern: RegExp): string[] | undefined => pattern.exec(path)?.slice(1);
    let params: string[] | undefined;
    if (method === 'POST' && path === '/api/token') return { name: 'token', params: [] };
    if (method !== 'GET') return { name: 'unknown', params: [] };
    if ((params = match(/^\/v1\/tracks\/([^/]+)$/))) return { name: 'track', params };
    if ((params = match(/^\/v1\/albums\/([^/]+)$/))) return { name: 'album', params };
    if ((params = match(/^\/v1\/artists\/([^/]+)$/))) return { name: 'artist', params };
    if (path === '/v1/tracks') return { name: 'tracks', params: [] };
    if (path === '/v1/albums') return { name: 'albums', params: [] };
    if (path === '/v1/artists') return { name: 'artists', params: [] };
    if ((params = match(/^\/v1\/playlists\/([^/]+)\/items$/))) return { name: 'playlist-items', params };
    if (path === '/public/v0/charts') return { name: 'charts-public', params: [] };
    if ((params = match(/^\/auth\/v0\/charts\/([^/]+)\/([^/]+)$/))) return { name: 'charts-auth', params };
    return { name: 'unknown', params: [] };
  };

  const answer = (req: http.IncomingMessage, url: URL, name: RouteName, params: string[], body: string): HttpAnswer => {
    switch (name) {
      case 'token':
        return issueToken(req, body);
      case 'charts-public':
        return publicCharts();
      case 'charts-auth':
        return authCharts(req, decodeURIComponent(params[0]), decodeURIComponent(params[1]));
      case 'unknown':
        return apiError(404, 'Service not found');
      default: {
        const denied = checkApiToken(req);
        if (denied) return denied;
        if (name === 'track' || name === 'album' || name === 'artist') return single(name, decodeURIComponent(params[0]));
        if (name === 'tracks' || name === 'albums' || name === 'artists') return batch(name, url);
        return playlistItems(decodeURIComponent(params[0]), url);
      }
    }
  };

  const faultAnswer = (fault: Fault): HttpAnswer | undefined => {
    switch (fault.kind) {
      case '429':
        return apiError(429, 'API rate limit exceeded', { 'Retry-After': String(fault.retryAfterSeconds ?? 1) });
      case 'quota':
        // As the July 2026 changelog shows it; reports give Retry-After values of a day.
        return new HttpAnswer(
          429,
          { error: { status: 429, message: 'Too many requests', reason: 'QUOTA_EXCEEDED' } },
          { 'Retry-After': String(fault.retryAfterSeconds ?? 86_400) },
        );
      case '500':
      case '502':
      case '503':
        return apiError(Number(fault.kind), fault.kind === '503' ? 'Service unavailable' : 'Server error');
      case '401':
        tokens.clear();
        return apiError(401, 'The access token expired');
      default:
        return undefined;
    }
  };

  const send = (res: http.ServerResponse, entry: RequestLogEntry, reply: HttpAnswer): void => {
    // The client may have given up (a timeout) while a slow answer waited: nothing reached it, log status 0.
    if (res.destroyed || res.writableEnded || res.socket === null || res.socket.destroyed) return;
    const text = JSON.stringify(reply.body);
    entry.status = reply.status;
    options.onAnswer?.(entry, reply.body);
    res.writeHead(reply.status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      ...reply.headers,
    });
    res.end(text);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const { name, params } = route(method, url.pathname);
    const entry: RequestLogEntry = { index: log.length + 1, method, path: url.pathname, url: url.pathname + url.search, route: name, status: 0 };
    log.push(entry);
    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    res.on('close', () => inFlight--);
    const fault = faultFor(state.faults, entry.index, { method, path: url.pathname, route: name }, () => ++scopedIndex);
    if (fault) entry.fault = fault.kind;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    req.on('end', () => {
      if (fault?.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      const injected = fault && faultAnswer(fault);
      if (injected) {
        send(res, entry, injected);
        return;
      }
      const reply = (): void => {
        try {
          send(res, entry, answer(req, url, name, params, Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          send(res, entry, apiError(500, `demo server error: ${(error as Error).message}`));
        }
      };
      const delay = (fault?.kind === 'slow' ? (fault.delayMs ?? slowMs) : 0) + (options.latencyMs ?? 0);
      if (delay > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          reply();
        }, delay);
        timers.add(timer);
      } else {
        reply();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    requests: log,
    get mode() {
      return state.mode;
    },
    set mode(mode: ServerMode) {
      state.mode = mode;
    },
    get faults() {
      return state.faults;
    },
    set faults(faults: FaultSchedule | FaultFunction | undefined) {
      state.faults = faults;
      scopedIndex = 0;
    },
    get latestWeek() {
      return latestWeek();
    },
    set latestWeek(week: string) {
      state.latestWeek = week;
      state.clock = undefined;
    },
    count: (routeName, status) => log.filter((e) => e.route === routeName && (status === undefined || e.status === status)).length,
    clearLog: () => {
      log.length = 0;
      scopedIndex = 0;
      peakInFlight = inFlight;
    },
    revokeTokens: () => tokens.clear(),
    issuedTokens: issued,
    get peakInFlight() {
      return peakInFlight;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
