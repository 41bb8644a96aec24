/**
 * Client Credentials tokens (`POST <accounts>/api/token`, HTTP Basic auth). A token is reused until shortly
 * before it expires; concurrent callers share one token request.
 */
import { SpotifySourceError } from './errors';
import { errorMessage, parseJson, type HttpClient } from './http';
import type { Log } from './log';
import type { Redactor } from './redact';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

interface CachedToken {
  value: string;
  /** `Date.now()` after which the token is no longer used. */
  refreshAt: number;
}

export class TokenProvider {
  private token: CachedToken | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly http: HttpClient,
    private readonly accountsBaseUrl: string,
    private readonly credentials: ClientCredentials,
    private readonly redactor: Redactor,
    private readonly log: Log,
  ) {
    redactor.add(credentials.clientSecret);
    redactor.add(basic(credentials));
  }

  async get(): Promise<string> {
    if (this.token && Date.now() < this.token.refreshAt) return this.token.value;
    this.pending ??= this.request().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Whether `token` is the one in use (false once it was dropped or replaced). */
  isCurrent(token: string): boolean {
    return this.token?.value === token;
  }

  /** Drops `token` after the API refused it (only if no newer token replaced it meanwhile). */
  invalidate(token: string): void {
    if (this.token?.value === token) this.token = undefined;
  }

  private async request(): Promise<string> {
    const url = `${trimSlash(this.accountsBaseUrl)}/api/token`;
    const answer = await this.http.send({
      method: 'POST',
      url,
      headers: { Authorization: `Basic ${basic(this.credentials)}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    if (answer.status === 400 || answer.status === 401 || answer.status === 403) {
      const reason = this.redactor.redact(errorMessage(answer.body) ?? `status ${answer.status}`);
      throw new SpotifySourceError(
        'CREDENTIALS',
        `Spotify Accounts refused the client credentials (${answer.status} ${reason}). Check SPOTIFY_CLIENT_ID and ` +
          'SPOTIFY_CLIENT_SECRET against the app on developer.spotify.com/dashboard.',
        answer.status,
      );
    }
    if (answer.status !== 200) {
      throw new SpotifySourceError('HTTP', `POST ${url} answered ${answer.status}`, answer.status);
    }
    const body = parseJson(answer.body, `POST ${url}`) as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new SpotifySourceError('BAD_RESPONSE', `POST ${url} answered no access_token`);
    }
    this.redactor.add(body.access_token);
    const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : 3600) * 1000;
    // Renew a minute early (or at half-life for short tokens) so no request leaves with a token about to die.
    this.token = { value: body.access_token, refreshAt: Date.now() + lifetimeMs - Math.min(60_000, lifetimeMs / 2) };
    this.log('debug', 'Spotify access token obtained', { expiresInSeconds: lifetimeMs / 1000 });
    return body.access_token;
  }
}

function basic({ clientId, clientSecret }: ClientCredentials): string {
  return Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
