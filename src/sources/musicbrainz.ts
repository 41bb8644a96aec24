/**
 * Songwriters from MusicBrainz (musicbrainz.org/ws/2/, JSON with `fmt=json`, no key), looked up by ISRC:
 *   GET /ws/2/isrc/<ISRC>?fmt=json                                             -> the recordings with that ISRC
 *   GET /ws/2/recording/<mbid>?inc=work-rels+work-level-rels+artist-rels&fmt=json -> its works and their writers
 * Etiquette (MusicBrainz's rate-limiting rules): a User-Agent naming the application and a contact, at most one
 * request per second on average (a pacer spaces every request), 503 answered by waiting (Retry-After when given)
 * and retrying, a bounded number of times. Every chain is stored whole, as MusicBrainz answered it, in one
 * immutable raw object as soon as it is complete, so a killed run loses nothing already asked.
 */
import { performance } from 'node:perf_hooks';
import { MUSICBRAINZ_PREFIX, isIsrc, parseMusicBrainzKey, rawMusicBrainzKey, type MusicBrainzOutcome, type ObjectStore } from '../store';
// Not '../config': that face imports this layer (its defaults), and the version is all the User-Agent needs.
import { CODE_VERSION } from '../config/version';
import { loadGot, retryAfterMs } from './http';
import { makeLog, type Log, type SourceLogger } from './log';
import { Redactor } from './redact';

export const MUSICBRAINZ_BASE_URL = 'https://musicbrainz.org';
/** The recording lookup that carries the works performed and the works' writer relationships. */
export const RECORDING_INCLUDES = 'work-rels+work-level-rels+artist-rels';
/** Work-to-artist relationship types that make a person a songwriter of the work. */
export const WRITER_ROLES = ['composer', 'lyricist', 'writer'] as const;

export interface MusicBrainzOptions {
  /** Default https://musicbrainz.org (CHARTLAKE_MUSICBRAINZ_BASE_URL points it at the test server). */
  baseUrl: string;
  /**
   * An email address or URL MusicBrainz can reach the user at, put in the User-Agent (CHARTLAKE_MUSICBRAINZ_CONTACT).
   * Required for the real service; a loopback server takes a default.
   */
  contact?: string;
  /**
   * Least time between two requests' starts. MusicBrainz allows one a second, measured as the requests arrive:
   * the default keeps 5 % in hand, so a request delayed on the way (or a busy event loop) does not bring the next
   * one within the second and earn a 503.
   */
  minIntervalMs: number;
  /** Attempts per request (503, 5xx, network errors) before the run stops. */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A Retry-After longer than this stops the run (resume later) instead of sleeping through it. */
  retryAfterCapMs: number;
  requestTimeoutMs: number;
  /** A miss (no recording for the ISRC) is asked again once it is this old: MusicBrainz grows every day. */
  missRetryDays: number;
  /** Recordings looked up per ISRC (an ISRC rarely has more than 2; a runaway list is cut, not followed). */
  maxRecordingsPerIsrc: number;
}

export const DEFAULT_MUSICBRAINZ_OPTIONS: MusicBrainzOptions = {
  baseUrl: MUSICBRAINZ_BASE_URL,
  minIntervalMs: 1050,
  maxAttempts: 6,
  backoffBaseMs: 1000,
  backoffMaxMs: 30_000,
  retryAfterCapMs: 120_000,
  requestTimeoutMs: 30_000,
  missRetryDays: 30,
  maxRecordingsPerIsrc: 5,
};

export class MusicBrainzError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MusicBrainzError';
  }
}

/** The User-Agent MusicBrainz asks for: application/version ( contact ). */
export function musicBrainzUserAgent(options: Pick<MusicBrainzOptions, 'baseUrl' | 'contact'>): string {
  const contact = options.contact?.trim();
  if (!contact) {
    if (!isLoopback(options.baseUrl)) {
      throw new MusicBrainzError(
        'MusicBrainz asks every client for a contact: set CHARTLAKE_MUSICBRAINZ_CONTACT to your email address or a URL',
      );
    }
    return `${CODE_VERSION.replace('@', '/')} ( local test server )`;
  }
  return `${CODE_VERSION.replace('@', '/')} ( ${contact} )`;
}

function isLoopback(url: string): boolean {
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * Spaces request starts at least `intervalMs` apart, measured from when each really started (a late timer never
 * lets the next request come early), and holds every later request after a Retry-After. Callers are served in order.
 */
export class Pacer {
  private nextAt = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  wait(): Promise<void> {
    const turn = this.queue.then(async () => {
      for (let now = this.now(); now < this.nextAt; now = this.now()) await this.sleep(this.nextAt - now);
      this.nextAt = this.now() + this.intervalMs;
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** No request starts before `ms` from now. */
  holdFor(ms: number): void {
    this.nextAt = Math.max(this.nextAt, this.now() + ms);
  }

  /** A request really left at `leftAt` (this pacer's clock): the next starts `intervalMs` after that at the earliest. */
  spaceFrom(leftAt: number): void {
    this.nextAt = Math.max(this.nextAt, leftAt + this.intervalMs);
  }
}

/** One answer of a lookup chain, as stored: the request's path and query, the status, the JSON body. */
export interface MusicBrainzAnswer {
  request: string;
  status: number;
  body: unknown;
}

/** The raw object of one ISRC lookup chain (`raw/musicbrainz/isrc=<ISRC>/<fetched-at>.<outcome>.json`). */
export interface MusicBrainzLookup {
  schema_version: 1;
  source: { kind: 'musicbrainz'; base_url: string };
  isrc: string;
  fetched_at: string;
  outcome: MusicBrainzOutcome;
  answers: MusicBrainzAnswer[];
}

/** The /ws/2/ client: paced, with its request count. One instance per run (the pace is per client). */
export class MusicBrainzClient {
  readonly userAgent: string;
  private readonly pacer: Pacer;
  private sent = 0;

  constructor(
    private readonly options: MusicBrainzOptions,
    private readonly log: Log,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    private readonly random: () => number = Math.random,
  ) {
    this.userAgent = musicBrainzUserAgent(options);
    // Faster than once a second only against a loopback test server: the real service is never hurried.
    const intervalMs = isLoopback(options.baseUrl) ? options.minIntervalMs : Math.max(1000, options.minIntervalMs);
    this.pacer = new Pacer(intervalMs, undefined, sleep);
  }

  /** HTTP requests sent so far, retries included. */
  get requests(): number {
    return this.sent;
  }

  /** GET `path` (e.g. `/ws/2/isrc/X?fmt=json`); 200 and 404 are answers, 503/5xx/network errors are retried. */
  async get(path: string): Promise<MusicBrainzAnswer> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}${path}`;
    // got is loaded before the first turn: loaded after it (~90 ms the first time), the first request would leave
    // late and the next, paced from the turn, less than a second after it.
    const got = loadGot();
    for (let attempt = 1; ; attempt++) {
      await this.pacer.wait();
      this.sent++;
      let problem: string;
      let waitMs: number;
      try {
        const response = await got(url, {
          headers: { 'user-agent': this.userAgent, accept: 'application/json' },
          throwHttpErrors: false,
          followRedirect: false,
          retry: { limit: 0 },
          timeout: { request: this.options.requestTimeoutMs },
          responseType: 'text',
        });
        // The service counts arrivals, not turns: a request can leave tens of ms after its turn (the first of a
        // process, a busy machine), and the next, paced from its own turn, would then arrive too soon after it.
        const left = response.timings.upload ?? response.timings.start;
        this.pacer.spaceFrom(performance.now() - (Date.now() - left));
        const status = response.statusCode;
        if (status === 200 || status === 404) return { request: path, status, body: parseJson(response.body, path, status) };
        if (status === 503 || status === 429 || status >= 500) {
          const retryAfter = retryAfterMs(response.headers['retry-after']);
          if (retryAfter !== undefined && retryAfter > this.options.retryAfterCapMs) {
            throw new MusicBrainzError(
              `MusicBrainz asks to wait ${Math.round(retryAfter / 1000)} s before ${path}: stopped; run again later, nothing fetched so far is lost`,
            );
          }
          waitMs = retryAfter ?? this.backoff(attempt);
          problem = `${status} ${serviceMessage(response.body) ?? 'server error'}`;
        } else {
          throw new MusicBrainzError(`MusicBrainz answered ${status} to ${path}: ${serviceMessage(response.body) ?? 'no message'}`);
        }
      } catch (error) {
        if (error instanceof MusicBrainzError) throw error;
        const code = (error as { code?: unknown }).code;
        problem = typeof code === 'string' ? `connection error ${code}` : String((error as Error).message);
        waitMs = this.backoff(attempt);
      }
      if (attempt >= this.options.maxAttempts) {
        throw new MusicBrainzError(`gave up on MusicBrainz ${path} after ${attempt} attempts (last: ${problem})`);
      }
      this.log('warn', 'MusicBrainz request failed; waiting before retrying', { request: path, problem, attempt, waitMs: Math.round(waitMs) });
      // The pause holds every later request too: the service asked this client to slow down, not this request.
      this.pacer.holdFor(waitMs);
    }
  }

  private backoff(attempt: number): number {
    const step = Math.min(this.options.backoffMaxMs, this.options.backoffBaseMs * 2 ** (attempt - 1));
    return step / 2 + (this.random() * step) / 2;
  }

  /**
   * The whole chain for one ISRC: its recordings, then each recording with its works and their writers.
   * `known` holds recording answers already fetched in this run (two ISRCs of one recording ask once).
   */
  async lookupIsrc(isrc: string, known: Map<string, MusicBrainzAnswer> = new Map()): Promise<{ outcome: MusicBrainzOutcome; answers: MusicBrainzAnswer[] }> {
    const first = await this.get(`/ws/2/isrc/${encodeURIComponent(isrc)}?fmt=json`);
    const answers = [first];
    const recordingIds = first.status === 200 ? recordingIdsOf(first.body).slice(0, this.options.maxRecordingsPerIsrc) : [];
    for (const id of recordingIds) {
      let answer = known.get(id);
      if (!answer) {
        answer = await this.get(`/ws/2/recording/${id}?inc=${RECORDING_INCLUDES}&fmt=json`);
        known.set(id, answer);
      }
      answers.push(answer);
    }
    return { outcome: outcomeOf(answers), answers };
  }
}

function parseJson(text: string, path: string, status: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MusicBrainzError(`MusicBrainz answered ${status} to ${path} with a body that is not JSON (is fmt=json honoured by this server?)`);
  }
}

function serviceMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}

const MBID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function recordingIdsOf(body: unknown): string[] {
  const recordings = (body as { recordings?: unknown }).recordings;
  if (!Array.isArray(recordings)) return [];
  return recordings.map((r) => (r as { id?: unknown }).id).filter((id): id is string => typeof id === 'string' && MBID.test(id));
}

interface Relation {
  type?: unknown;
  'target-type'?: unknown;
  work?: { relations?: Relation[] };
}

/** What a chain found: the most specific reason when no writer is known (matched > no-writer > no-work > no-recording). */
export function outcomeOf(answers: readonly MusicBrainzAnswer[]): MusicBrainzOutcome {
  const recordings = answers.slice(1).filter((a) => a.status === 200);
  if (recordings.length === 0) return 'no-recording';
  const works = recordings.flatMap((a) => relationsOf(a.body).filter((r) => r['target-type'] === 'work' && r.work).map((r) => r.work!));
  if (works.length === 0) return 'no-work';
  const writers = works.flatMap((w) => (w.relations ?? []).filter((r) => r['target-type'] === 'artist' && (WRITER_ROLES as readonly unknown[]).includes(r.type)));
  return writers.length > 0 ? 'matched' : 'no-writer';
}

function relationsOf(body: unknown): Relation[] {
  const relations = (body as { relations?: unknown }).relations;
  return Array.isArray(relations) ? (relations as Relation[]) : [];
}

/** What the lake already knows, from the listing of `raw/musicbrainz/` alone. */
export interface CreditLookupState {
  /** ISRCs with an answer that needs no retry (matched, no work, no writer). */
  settled: Set<string>;
  /** ISRCs whose lookups all missed: the time of the newest miss. */
  lastMiss: Map<string, number>;
}

export async function readCreditLookupState(store: ObjectStore): Promise<CreditLookupState> {
  const state: CreditLookupState = { settled: new Set(), lastMiss: new Map() };
  for (const object of await store.list(MUSICBRAINZ_PREFIX)) {
    const parts = parseMusicBrainzKey(object.key);
    if (!parts) continue;
    if (parts.outcome !== 'no-recording') state.settled.add(parts.isrc);
    else state.lastMiss.set(parts.isrc, Math.max(state.lastMiss.get(parts.isrc) ?? 0, Date.parse(parts.fetchedAt)));
  }
  for (const isrc of state.settled) state.lastMiss.delete(isrc);
  return state;
}

export interface CreditsProgress {
  /** ISRCs looked up so far in this run, and how many this run has to look up. */
  done: number;
  toDo: number;
  /** HTTP requests so far (retries included). */
  requests: number;
  elapsedMs: number;
  /** Time left at the pace so far; undefined before the first lookup. */
  remainingMs: number | undefined;
  isrc: string;
  outcome: MusicBrainzOutcome;
}

export interface FetchSongCreditsOptions extends Partial<MusicBrainzOptions> {
  log?: SourceLogger;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface FetchSongCreditsResult {
  /** Distinct valid ISRCs given. */
  isrcs: number;
  /** Given values that are not ISRCs (skipped, never sent). */
  invalid: string[];
  /** Already answered in the lake (or missed recently): not asked. */
  cached: number;
  looked_up: number;
  requests: number;
  outcomes: Record<MusicBrainzOutcome, number>;
  keys: string[];
}

/**
 * Looks up, one chain at a time, every ISRC the lake has no answer for (and misses older than `missRetryDays`),
 * storing each chain's raw object as soon as it is complete. Resumable: a second call asks only what is left.
 * `chartlake enrich --credits` calls this with the distinct ISRCs of the lake's tracks.
 */
export async function fetchSongCredits(
  store: ObjectStore,
  isrcs: Iterable<string>,
  options: FetchSongCreditsOptions = {},
  onProgress?: (progress: CreditsProgress) => void,
): Promise<FetchSongCreditsResult> {
  const { log: logger, now: clock, sleep, random, ...settingsGiven } = options;
  const settings: MusicBrainzOptions = { ...DEFAULT_MUSICBRAINZ_OPTIONS, ...definedOnly(settingsGiven) };
  const log = makeLog(logger, new Redactor());
  const now = clock ?? (() => new Date());
  const client = new MusicBrainzClient(settings, log, sleep, random);

  const given = [...new Set([...isrcs].map((value) => value.trim().toUpperCase()))];
  const invalid = given.filter((value) => !isIsrc(value));
  const valid = given.filter(isIsrc).sort();
  const state = await readCreditLookupState(store);
  const missAgeMs = settings.missRetryDays * 86_400_000;
  const toDo = valid.filter((isrc) => !state.settled.has(isrc) && !(now().getTime() - (state.lastMiss.get(isrc) ?? -Infinity) < missAgeMs));
  const result: FetchSongCreditsResult = {
    isrcs: valid.length,
    invalid,
    cached: valid.length - toDo.length,
    looked_up: 0,
    requests: 0,
    outcomes: { matched: 0, 'no-recording': 0, 'no-work': 0, 'no-writer': 0 },
    keys: [],
  };
  if (invalid.length > 0) log('warn', 'values that are not ISRCs are not looked up', { count: invalid.length, examples: invalid.slice(0, 3) });
  log('info', 'MusicBrainz songwriter lookups', { isrcs: valid.length, cached: result.cached, toDo: toDo.length, userAgent: client.userAgent });

  const started = performance.now();
  const known = new Map<string, MusicBrainzAnswer>();
  for (const isrc of toDo) {
    const { outcome, answers } = await client.lookupIsrc(isrc, known);
    const fetchedAt = now().toISOString();
    const lookup: MusicBrainzLookup = {
      schema_version: 1,
      source: { kind: 'musicbrainz', base_url: settings.baseUrl },
      isrc,
      fetched_at: fetchedAt,
      outcome,
      answers,
    };
    const key = rawMusicBrainzKey(isrc, fetchedAt, outcome);
    await store.put(key, JSON.stringify(lookup));
    result.keys.push(key);
    result.looked_up++;
    result.outcomes[outcome]++;
    result.requests = client.requests;
    const elapsedMs = performance.now() - started;
    onProgress?.({
      done: result.looked_up,
      toDo: toDo.length,
      requests: client.requests,
      elapsedMs,
      remainingMs: (elapsedMs / result.looked_up) * (toDo.length - result.looked_up),
      isrc,
      outcome,
    });
  }
  log('info', 'MusicBrainz songwriter lookups done', { lookedUp: result.looked_up, requests: result.requests, ...result.outcomes });
  return result;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Options from the environment: CHARTLAKE_MUSICBRAINZ_BASE_URL, CHARTLAKE_MUSICBRAINZ_CONTACT and
 * CHARTLAKE_MUSICBRAINZ_MIN_INTERVAL_MS (below 1000 only honoured for a loopback test server).
 */
export function musicBrainzOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<MusicBrainzOptions> {
  const interval = env.CHARTLAKE_MUSICBRAINZ_MIN_INTERVAL_MS;
  if (interval !== undefined && !/^\d+$/.test(interval)) {
    throw new MusicBrainzError(`CHARTLAKE_MUSICBRAINZ_MIN_INTERVAL_MS must be a whole number of milliseconds, not ${JSON.stringify(interval)}`);
  }
  return definedOnly({
    baseUrl: env.CHARTLAKE_MUSICBRAINZ_BASE_URL || undefined,
    contact: env.CHARTLAKE_MUSICBRAINZ_CONTACT || undefined,
    minIntervalMs: interval === undefined ? undefined : Number(interval),
  });
}
