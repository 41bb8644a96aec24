/**
 * Every HTTP request to Spotify goes through here (got, with got's own retry switched off so one policy
 * rules): 429 waits `Retry-After` (capped) and pauses the whole run meanwhile; 5xx, connection resets and
 * timeouts back off exponentially with jitter; each retry spends one unit of the run's retry budget. Other
 * answers (2xx, 4xx) go back to the caller, which knows what a 401, 403 or 404 means for its request.
 */
import type { Method } from 'got';

/** got loads on the first request (~90 ms): commands that never fetch (query, report) do not pay for it at start-up. */
export const loadGot = () => (require('got') as typeof import('got')).default;
import { SpotifySourceError } from './errors';
import type { Log } from './log';
import { publicUrl, type Redactor } from './redact';

export interface HttpPolicy {
  requestTimeoutMs: number;
  maxAttemptsPerRequest: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  retryAfterCapMs: number;
  /** Multiplies `Retry-After` (1 in production; tests shrink a 1 s wait). */
  retryAfterScale: number;
  /**
   * A `Retry-After` longer than this (as Spotify said it, before scaling) is not a pause but a spent quota: the
   * run stops with `QUOTA_EXCEEDED` instead of sleeping for hours or hammering every `retryAfterCapMs`.
   */
  quotaStopAfterMs: number;
}

export interface HttpRequest {
  method: Method;
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** The run's retry allowance, shared by every request of the run. */
export class RetryBudget {
  private spent = 0;

  constructor(readonly total: number) {}

  /** Takes one retry; false when none is left. */
  take(): boolean {
    if (this.spent >= this.total) return false;
    this.spent++;
    return true;
  }

  get used(): number {
    return this.spent;
  }
}

export class HttpClient {
  /** While a 429 wait runs, every new attempt waits for it too: hammering a rate-limited API only prolongs it. */
  private pause: Promise<void> = Promise.resolve();
  /** Set once the quota is spent: every later request of the run fails at once with the same error. */
  private stopped: SpotifySourceError | undefined;

  constructor(
    private readonly policy: HttpPolicy,
    readonly budget: RetryBudget,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly random: () => number,
    private readonly log: Log,
    private readonly redactor: Redactor,
  ) {}

  /** Spends one retry for a reason the caller found (e.g. a 401 answered by a token refresh). */
  spendRetry(what: string, reason: string): void {
    if (!this.budget.take()) throw this.budgetError(what, reason);
  }

  async send(request: HttpRequest): Promise<HttpAnswer> {
    const what = `${request.method} ${publicUrl(request.url)}`;
    for (let attempt = 1; ; attempt++) {
      await this.pause;
      if (this.stopped) throw this.stopped;
      let problem: string;
      let waitMs: number;
      try {
        const response = await loadGot()(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          throwHttpErrors: false,
          followRedirect: false,
          retry: { limit: 0 },
          timeout: { request: this.policy.requestTimeoutMs },
          responseType: 'text',
        });
        const status = response.statusCode;
        if (status === 429) {
          const retryAfter = retryAfterMs(response.headers['retry-after']);
          if (isQuotaExceeded(response.body) || (retryAfter !== undefined && retryAfter > this.policy.quotaStopAfterMs)) {
            throw this.quotaStop(what, retryAfter);
          }
          waitMs = Math.min(this.policy.retryAfterCapMs, (retryAfter ?? this.backoff(attempt)) * this.policy.retryAfterScale);
          problem = `429 rate limited (Retry-After ${response.headers['retry-after'] ?? 'absent'})`;
          this.log('warn', 'Spotify rate limit: waiting before retrying', { request: what, waitMs: Math.round(waitMs), retryAfter: response.headers['retry-after'] ?? null });
          this.checkRetry(what, problem, attempt);
          const wait = this.sleep(waitMs);
          this.pause = this.pause.then(() => wait);
          await wait;
          // The pause releases every held request at once; a jittered step keeps this retry from arriving in
          // lockstep with them (and from meeting the same rate-limit slot again and again).
          await this.sleep(this.backoff(1));
          continue;
        }
        if (status >= 500) {
          problem = `${status} ${errorMessage(response.body) ?? 'server error'}`;
          waitMs = this.backoff(attempt);
        } else {
          return { status, headers: response.headers, body: response.body };
        }
      } catch (error) {
        if (error instanceof SpotifySourceError) throw error;
        const code = (error as { code?: unknown }).code;
        if (typeof code !== 'string' || !RETRYABLE_NETWORK_CODES.has(code)) {
          // Not a transient failure: report it without the got error object (its options carry the headers).
          throw new SpotifySourceError('NETWORK', `${what} failed: ${this.redactor.redact(describe(error))}`);
        }
        problem = code === 'ETIMEDOUT' ? `no answer within ${this.policy.requestTimeoutMs} ms` : `connection error ${code}`;
        waitMs = this.backoff(attempt);
      }
      this.checkRetry(what, problem, attempt);
      this.log('warn', 'Spotify request failed, retrying', { request: what, problem, attempt, waitMs: Math.round(waitMs) });
      await this.sleep(waitMs);
    }
  }

  /** The run's stop: says when to resume, keeps nothing secret, and fails every request still to come. */
  private quotaStop(what: string, retryAfter: number | undefined): SpotifySourceError {
    const resumeAt = retryAfter === undefined ? undefined : new Date(Date.now() + retryAfter);
    const when = resumeAt
      ? `resume after ${resumeAt.toISOString().replace(/\.\d{3}Z$/, 'Z')} (Retry-After ${Math.round(retryAfter! / 1000)} s)`
      : 'Spotify gave no Retry-After; resume later (quotas are counted per developer account over 24 hours)';
    this.stopped = new SpotifySourceError(
      'QUOTA_EXCEEDED',
      `Spotify's quota for this app is spent (429 QUOTA_EXCEEDED on ${what}): stopped; ${when}.`,
      429,
      resumeAt,
    );
    this.log('error', 'Spotify quota exceeded: stopping the run', { request: what, resumeAt: resumeAt?.toISOString() ?? null });
    return this.stopped;
  }

  private checkRetry(what: string, problem: string, attempt: number): void {
    if (attempt >= this.policy.maxAttemptsPerRequest) {
      throw new SpotifySourceError('RETRY_BUDGET', `gave up on ${what} after ${attempt} attempts (last: ${this.redactor.redact(problem)})`);
    }
    if (!this.budget.take()) throw this.budgetError(what, problem);
  }

  private budgetError(what: string, problem: string): SpotifySourceError {
    return new SpotifySourceError(
      'RETRY_BUDGET',
      `gave up on ${what}: the run's retry budget of ${this.budget.total} retries is spent (last: ${this.redactor.redact(problem)})`,
    );
  }

  /** Exponential backoff with "equal jitter": at least half the step, so retries never stampede at 0 ms. */
  private backoff(attempt: number): number {
    const step = Math.min(this.policy.backoffMaxMs, this.policy.backoffBaseMs * 2 ** (attempt - 1));
    return step / 2 + (this.random() * step) / 2;
  }
}

/** A run's client: its own retry budget, the given (or real) sleep and jitter. */
export function runHttpClient(
  options: HttpPolicy & { retryBudget: number },
  log: Log,
  redactor: Redactor,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => number = Math.random,
): HttpClient {
  return new HttpClient(options, new RetryBudget(options.retryBudget), sleep, random, log, redactor);
}

/**
 * The error a run ends with: redacted, prefixed with what failed, logged once; a source error keeps its code
 * (and when to resume), anything else (a bug, a failing lake) keeps only its redacted stack.
 */
export function runFailure(error: unknown, what: string, log: Log, redactor: Redactor): Error {
  const message = redactor.redact(error instanceof Error ? error.message : String(error));
  log('error', what, { problem: message });
  if (error instanceof SpotifySourceError) return new SpotifySourceError(error.code, `${what}: ${message}`, error.status, error.resumeAt);
  const wrapped = new Error(`${what}: ${message}`);
  if (error instanceof Error && error.stack) wrapped.stack = redactor.redact(error.stack);
  return wrapped;
}

/** A 429 body saying `"reason": "QUOTA_EXCEEDED"` (at the top or inside `error`, wherever Spotify puts it). */
export function isQuotaExceeded(body: string): boolean {
  return /"reason"\s*:\s*"QUOTA_EXCEEDED"/.test(body);
}

/** `Retry-After` in ms: seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The `error.message` (Web API) or `error_description` (Accounts) of an error body, if any. */
export function errorMessage(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const error = (parsed as { error?: unknown; error_description?: unknown }).error;
    const description = (parsed as { error_description?: unknown }).error_description;
    if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
      return (error as { message: string }).message;
    }
    if (typeof error === 'string') return typeof description === 'string' ? `${error}: ${description}` : error;
    return undefined;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

export function parseJson(body: string, what: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new SpotifySourceError('BAD_RESPONSE', `${what} did not answer JSON`);
  }
}
