/**
 * The Spotify Web API calls enrichment needs, in either app mode:
 *  - `extended`: batch gets (`GET /v1/tracks?ids=` 50, `/v1/albums?ids=` 20, `/v1/artists?ids=` 50);
 *  - `development`: one `GET /v1/<kind>/{id}` per entity (batch gets were removed for Development Mode in 2026);
 *  - `auto`: the first batch request decides; a 403 or 404 switches the run to single gets.
 * A 401 gets one token refresh, then a clear error.
 */
import { SpotifySourceError } from './errors';
import { errorMessage, parseJson, type HttpAnswer, type HttpClient } from './http';
import { Limiter, mapLimited } from './limiter';
import type { Log } from './log';
import type { Redactor } from './redact';
import { TokenProvider, trimSlash } from './token';
import type { ResolvedSourceOptions } from './options';

export type EntityKind = 'tracks' | 'albums' | 'artists';
export type ConfiguredApiMode = 'auto' | 'development' | 'extended';
export type DetectedApiMode = 'development' | 'extended';

export const BATCH_SIZE: Record<EntityKind, number> = { tracks: 50, albums: 20, artists: 50 };

export class WebApi {
  private detected: DetectedApiMode | undefined;
  /** Web API requests this run made (token requests not included). */
  requests = 0;

  constructor(
    private readonly http: HttpClient,
    private readonly tokens: TokenProvider,
    private readonly apiBaseUrl: string,
    configured: ConfiguredApiMode,
    private readonly limiter: Limiter,
    private readonly log: Log,
    private readonly redactor: Redactor,
  ) {
    this.detected = configured === 'auto' ? undefined : configured;
  }

  /** The mode in use; `undefined` while `auto` has not decided yet. */
  get mode(): DetectedApiMode | undefined {
    return this.detected;
  }

  /**
   * `GET <apiBaseUrl><path>` with a bearer token. A 401 makes this request refresh the token once; a 401 for a
   * token another request has already replaced just retries with the new one (a revoked token fails every
   * request in flight at once, and they should cause one refresh, not four).
   */
  async get(path: string): Promise<HttpAnswer> {
    const url = `${trimSlash(this.apiBaseUrl)}${path}`;
    let refreshed = false;
    for (let round = 1; ; round++) {
      const token = await this.tokens.get();
      this.requests++;
      const answer = await this.http.send({ method: 'GET', url, headers: { Authorization: `Bearer ${token}` } });
      if (answer.status !== 401) return answer;
      const replaced = !this.tokens.isCurrent(token);
      if ((!replaced && refreshed) || round >= 4) {
        throw new SpotifySourceError(
          'CREDENTIALS',
          `GET ${path} answered 401 even with a fresh access token (${this.reason(answer)}). Check that the app of ` +
            'SPOTIFY_CLIENT_ID may use the Web API (developer.spotify.com/dashboard).',
          401,
        );
      }
      if (!replaced) {
        refreshed = true;
        this.tokens.invalidate(token);
        this.log('info', 'Spotify refused the access token; getting a new one', { request: `GET ${path}` });
      }
      this.http.spendRetry(`GET ${path}`, '401 access token refused');
    }
  }

  /**
   * Fetches entities by id; ids Spotify does not know are left out of the result (and logged). `onFetched` sees
   * each entity as its answer arrives, so a caller can keep what came before a failure (the result is lost then).
   */
  async fetch<T extends { id: string }>(kind: EntityKind, ids: readonly string[], onFetched?: (id: string, entity: T) => void): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    const keep = (answer: Map<string, T> | undefined): Map<string, T> | undefined => {
      for (const [id, entity] of answer ?? []) onFetched?.(id, entity);
      return answer;
    };
    let rest = [...ids];
    if (rest.length === 0) return found;
    if (this.detected === undefined) {
      const probe = rest.slice(0, BATCH_SIZE[kind]);
      const answer = keep(await this.limiter.run(() => this.batch<T>(kind, probe, true)));
      if (answer) {
        this.detected = 'extended';
        for (const [id, entity] of answer) found.set(id, entity);
        rest = rest.slice(probe.length);
      } else {
        this.detected = 'development';
      }
      this.log('info', `Spotify Web API mode detected: ${this.detected}`, { apiMode: this.detected });
    }
    if (this.detected === 'extended') {
      const chunks: string[][] = [];
      for (let i = 0; i < rest.length; i += BATCH_SIZE[kind]) chunks.push(rest.slice(i, i + BATCH_SIZE[kind]));
      const answers = await mapLimited(chunks, this.limiter, async (chunk) => keep(await this.batch<T>(kind, chunk, false)));
      for (const answer of answers) for (const [id, entity] of answer ?? []) found.set(id, entity);
    } else {
      const answers = await mapLimited(rest, this.limiter, async (id) => {
        const entity = await this.single<T>(kind, id);
        if (entity) onFetched?.(id, entity);
        return [id, entity] as const;
      });
      for (const [id, entity] of answers) if (entity) found.set(id, entity);
    }
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) {
      this.log('warn', `Spotify does not know ${missing.length} ${kind}`, { kind, ids: missing.slice(0, 20).join(',') });
    }
    return found;
  }

  /** One batch get; `undefined` when probing and the endpoint is gone (Development Mode). */
  private async batch<T>(kind: EntityKind, ids: string[], probing: boolean): Promise<Map<string, T> | undefined> {
    const path = `/v1/${kind}?ids=${ids.join(',')}`;
    const answer = await this.get(path);
    if (answer.status === 403 || answer.status === 404) {
      if (probing) {
        this.log('info', `GET /v1/${kind}?ids= answered ${answer.status}: Development Mode app, using single gets`, { status: answer.status });
        return undefined;
      }
      throw new SpotifySourceError(
        'API_MODE',
        `GET /v1/${kind}?ids= answered ${answer.status} (${this.reason(answer)}): this app seems to have no Extended ` +
          "Quota Mode, so batch gets are not available. Set the API mode to 'auto' or 'development'.",
        answer.status,
      );
    }
    if (answer.status !== 200) throw this.httpError(`GET /v1/${kind}?ids=`, answer);
    const body = parseJson(answer.body, `GET /v1/${kind}?ids=`) as Record<string, unknown>;
    const list = body[kind];
    if (!Array.isArray(list) || list.length !== ids.length) {
      throw new SpotifySourceError('BAD_RESPONSE', `GET /v1/${kind}?ids= did not answer one ${kind.slice(0, -1)} per id`);
    }
    const out = new Map<string, T>();
    list.forEach((entity: unknown, i) => {
      if (entity === null) return; // unknown id
      out.set(ids[i], checkEntity<T>(kind, entity, `GET /v1/${kind}?ids=`));
    });
    return out;
  }

  private async single<T>(kind: EntityKind, id: string): Promise<T | undefined> {
    const what = `GET /v1/${kind}/${id}`;
    const answer = await this.get(`/v1/${kind}/${encodeURIComponent(id)}`);
    if (answer.status === 404 || answer.status === 400) return undefined;
    if (answer.status === 403) {
      throw new SpotifySourceError('FORBIDDEN', `${what} answered 403 (${this.reason(answer)}): the app may not read ${kind}`, 403);
    }
    if (answer.status !== 200) throw this.httpError(what, answer);
    return checkEntity<T>(kind, parseJson(answer.body, what), what);
  }

  private httpError(what: string, answer: HttpAnswer): SpotifySourceError {
    return new SpotifySourceError('HTTP', `${what} answered ${answer.status} (${this.reason(answer)})`, answer.status);
  }

  private reason(answer: HttpAnswer): string {
    return this.redactor.redact(errorMessage(answer.body) ?? 'no message');
  }
}

/** The Web API with the configured client credentials; `undefined` without them. */
export function credentialsWebApi(http: HttpClient, options: ResolvedSourceOptions, log: Log, redactor: Redactor): WebApi | undefined {
  const { clientId, clientSecret } = options;
  if (!clientId || !clientSecret) return undefined;
  const tokens = new TokenProvider(http, options.accountsBaseUrl, { clientId, clientSecret }, redactor, log);
  return new WebApi(http, tokens, options.apiBaseUrl, options.apiMode, new Limiter(options.concurrency), log, redactor);
}

/** The least a stored entity must have: later layers rely on these fields. */
function checkEntity<T>(kind: EntityKind, value: unknown, what: string): T {
  const v = value as Record<string, unknown> | null;
  const ok =
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    typeof v.name === 'string' &&
    (kind === 'artists' || Array.isArray(v.artists)) &&
    (kind !== 'tracks' || (typeof v.album === 'object' && v.album !== null && typeof (v.album as { id?: unknown }).id === 'string'));
  if (!ok) throw new SpotifySourceError('BAD_RESPONSE', `${what} answered something that is not a ${kind.slice(0, -1)} object`);
  return value as T;
}
