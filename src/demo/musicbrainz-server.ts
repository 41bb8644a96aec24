/**
 * A MusicBrainz-compatible test server (loopback): the two lookups chartlake makes, in the real /ws/2/ JSON shape,
 *   GET /ws/2/isrc/<ISRC>?fmt=json
 *   GET /ws/2/recording/<mbid>?inc=work-rels+work-level-rels+artist-rels&fmt=json
 * for a given set of songs (the ISRCs of a lake's tracks, or the demo catalog's). Deterministic from a seed: some
 * ISRCs are unknown (404), some have several recordings, some recordings perform no work, some works have no
 * writer, many have several; writers recur across songs. Like the real service it refuses a client without a
 * User-Agent (403) and answers 503 to a client that asks faster than once per `minIntervalMs`; some answers are slow.
 */
import * as http from 'node:http';
import { listen, stop } from './listen';
import { performance } from 'node:perf_hooks';
import { hash32, hexOf, Prng } from './prng';
import { personName } from './names';

export interface MusicBrainzSong {
  isrc: string;
  /** The recording's title (the track name); a generated one when absent. */
  title?: string;
  /** Songwriter names to credit (the demo catalog's); drawn from a pool of writers when absent. */
  writers?: readonly string[];
}

export interface MusicBrainzServerOptions {
  songs: readonly MusicBrainzSong[];
  seed?: number;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** A client's requests closer together than this get 503 (default 1000: MusicBrainz's one per second; 0: never). */
  minIntervalMs?: number;
  /** Share of ISRCs MusicBrainz does not know (default 0.15). */
  missShare?: number;
  /** Share of recording lookups answered slowly (default 0.05), and how slowly (default 1500 ms). */
  slowShare?: number;
  slowMs?: number;
  /** 1-based request numbers answered 503 whatever the pace (tests of the client's retry). */
  busyRequests?: ReadonlySet<number>;
}

export interface MusicBrainzRequestLogEntry {
  /** 1-based arrival order. */
  index: number;
  /** Arrival time in ms (performance.now of the server's process): pace is measured from these. */
  at: number;
  /** The User-Agent: the server paces each client on its own. */
  client: string;
  route: 'isrc' | 'recording' | 'other';
  /** Path with the query string. */
  url: string;
  status: number;
}

export interface MusicBrainzServer {
  readonly url: string;
  readonly port: number;
  readonly requests: readonly MusicBrainzRequestLogEntry[];
  /** What the server knows about an ISRC, for tests that compute expectations independently of the client. */
  modelOf(isrc: string): IsrcModel | undefined;
  count(route: MusicBrainzRequestLogEntry['route'], status?: number): number;
  clearLog(): void;
  close(): Promise<void>;
}

export type WriterRole = 'composer' | 'lyricist' | 'writer';

export interface PersonModel {
  id: string;
  name: string;
}

export interface WorkModel {
  id: string;
  title: string;
  writers: { person: PersonModel; roles: WriterRole[] }[];
}

export interface RecordingModel {
  id: string;
  title: string;
  lengthMs: number;
  works: WorkModel[];
  producer: PersonModel;
}

/** `recordings` empty: MusicBrainz does not know the ISRC (404). */
export interface IsrcModel {
  isrc: string;
  recordings: RecordingModel[];
}

// MusicBrainz's own relationship and entity type ids (stable across the service).
const TYPE_IDS = {
  performance: 'a3005666-a872-32c3-ad06-98af558e99b0',
  composer: 'd59d99ea-23d4-4a80-b066-edca32ee158f',
  lyricist: '3e48faba-ec01-47fd-8e89-30e81161661c',
  writer: 'a255bca1-b157-4518-9108-7b147dc3fc68',
  producer: '5c0ceac3-feb4-41f0-868d-dc06f6e27fc0',
  song: 'f061270a-2fd6-32f1-a641-f0f8676d14e6',
  person: 'b6e035f4-3ce9-331c-97df-83397230b0df',
} as const;

const RATE_LIMITED = 'Your requests are exceeding the allowable rate limit. Please see https://wiki.musicbrainz.org/MusicBrainz_API/Rate_Limiting for more information.';
const NOT_FOUND = { error: 'Not Found', help: 'For usage, please see: https://musicbrainz.org/development/mmd' };

/** A MusicBrainz id (a UUID) derived from a name, stable across runs. */
export function mbidOf(text: string): string {
  const hex = hexOf(text, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function person(name: string): PersonModel {
  return { id: mbidOf(`person:${name}`), name };
}

/** The deterministic MusicBrainz of a set of songs. */
export function buildMusicBrainzModel(songs: readonly MusicBrainzSong[], options: Pick<MusicBrainzServerOptions, 'seed' | 'missShare'> = {}): Map<string, IsrcModel> {
  const seed = options.seed ?? 13;
  const missShare = options.missShare ?? 0.15;
  const poolRng = new Prng(seed);
  // A few hundred writers with heavy-tailed output: hit-makers write many chart songs.
  const pool = Array.from({ length: 300 }, () => person(personName(poolRng)));
  const weights = pool.map(() => poolRng.pareto(1.2));
  const model = new Map<string, IsrcModel>();
  for (const song of songs) {
    const isrc = song.isrc.toUpperCase();
    if (model.has(isrc)) continue;
    const rng = new Prng(hash32(`${seed}:${isrc}`));
    if (rng.chance(missShare)) {
      model.set(isrc, { isrc, recordings: [] });
      continue;
    }
    const title = song.title ?? `Song ${isrc.slice(-5)}`;
    const recordingCount = rng.weightedIndex([70, 22, 8]) + 1;
    const hasWork = !rng.chance(0.08);
    const work = (suffix: string, workTitle: string): WorkModel => {
      const noWriter = rng.chance(0.05);
      const names = noWriter ? [] : song.writers?.length ? [...new Set(song.writers)] : undefined;
      const writers = names ? names.map(person) : [];
      if (!names) {
        const count = rng.weightedIndex([30, 35, 20, 15]) + 1;
        const picked = new Set<number>();
        while (picked.size < count) picked.add(rng.weightedIndex(weights));
        writers.push(...[...picked].map((i) => pool[i]));
      }
      return {
        id: mbidOf(`work:${isrc}:${suffix}`),
        title: workTitle,
        writers: writers.map((p) => ({ person: p, roles: rng.pick<WriterRole[]>([['writer'], ['writer'], ['composer', 'lyricist'], ['composer']]) })),
      };
    };
    const works = hasWork ? [work('main', title)] : [];
    // Now and then a recording also performs a second work (an interpolation credited as its own work).
    if (hasWork && rng.chance(0.04)) works.push(work('second', `${title} (interpolation)`));
    const recordings: RecordingModel[] = Array.from({ length: recordingCount }, (_, i) => ({
      id: mbidOf(`recording:${isrc}:${i}`),
      title: i === 0 ? title : `${title}${rng.pick([' (explicit)', ' (clean)', ''])}`,
      lengthMs: rng.int(120_000, 260_000),
      works: i === 0 ? works : works.slice(0, 1),
      producer: pool[rng.int(0, pool.length - 1)],
    }));
    model.set(isrc, { isrc, recordings });
  }
  return model;
}

function artistJson(p: PersonModel): Record<string, unknown> {
  const parts = p.name.split(' ');
  const sortName = parts.length > 1 ? `${parts.slice(1).join(' ')}, ${parts[0]}` : p.name;
  return { id: p.id, name: p.name, 'sort-name': sortName, disambiguation: '', type: 'Person', 'type-id': TYPE_IDS.person };
}

function relationJson(type: keyof typeof TYPE_IDS, targetType: 'artist' | 'work', direction: 'forward' | 'backward', target: Record<string, unknown>): Record<string, unknown> {
  return {
    type,
    'type-id': TYPE_IDS[type],
    'target-type': targetType,
    direction,
    attributes: [],
    'attribute-ids': {},
    'attribute-values': {},
    'attribute-credits': {},
    begin: null,
    end: null,
    ended: false,
    'source-credit': '',
    'target-credit': '',
    [targetType]: target,
  };
}

function recordingSummary(r: RecordingModel): Record<string, unknown> {
  return { id: r.id, title: r.title, length: r.lengthMs, video: false, disambiguation: '', 'first-release-date': '' };
}

/** A recording lookup's body; `inc` decides which relationships are included, as on the real service. */
export function recordingJson(r: RecordingModel, inc: ReadonlySet<string>): Record<string, unknown> {
  const body = recordingSummary(r);
  const relations: Record<string, unknown>[] = [];
  if (inc.has('artist-rels')) relations.push(relationJson('producer', 'artist', 'backward', artistJson(r.producer)));
  if (inc.has('work-rels')) {
    for (const w of r.works) {
      const work: Record<string, unknown> = { id: w.id, title: w.title, type: 'Song', 'type-id': TYPE_IDS.song, language: 'eng', languages: ['eng'], iswcs: [], attributes: [], disambiguation: '' };
      if (inc.has('work-level-rels') && inc.has('artist-rels')) {
        work.relations = w.writers.flatMap(({ person: p, roles }) => roles.map((role) => relationJson(role, 'artist', 'backward', artistJson(p))));
      }
      relations.push(relationJson('performance', 'work', 'forward', work));
    }
  }
  if (inc.size > 0) body.relations = relations;
  return body;
}

export async function startMusicBrainzServer(options: MusicBrainzServerOptions): Promise<MusicBrainzServer> {
  const model = buildMusicBrainzModel(options.songs, options);
  const recordings = new Map<string, { recording: RecordingModel; isrc: string }>();
  for (const entry of model.values()) for (const recording of entry.recordings) recordings.set(recording.id, { recording, isrc: entry.isrc });
  const minIntervalMs = options.minIntervalMs ?? 1000;
  // Request starts a client spaced exactly 1 s apart may reach the server a few ms closer together.
  const toleranceMs = Math.min(25, minIntervalMs * 0.1);
  const slowShare = options.slowShare ?? 0.05;
  const slowMs = options.slowMs ?? 1500;
  const lastAccepted = new Map<string, number>();
  const log: MusicBrainzRequestLogEntry[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const answer = (url: URL, entry: MusicBrainzRequestLogEntry): { status: number; body: unknown; headers?: Record<string, string> } => {
    if (url.searchParams.get('fmt') !== 'json') return { status: 400, body: { error: 'this test server answers fmt=json only' } };
    const isrcMatch = /^\/ws\/2\/isrc\/([^/]+)$/.exec(url.pathname);
    if (isrcMatch) {
      entry.route = 'isrc';
      const isrc = decodeURIComponent(isrcMatch[1]);
      if (!/^[A-Z]{2}[A-Z0-9]{3}\d{7}$/.test(isrc)) return { status: 400, body: { error: 'Invalid isrc.', help: NOT_FOUND.help } };
      const known = model.get(isrc);
      if (!known || known.recordings.length === 0) return { status: 404, body: NOT_FOUND };
      return { status: 200, body: { isrc, recordings: known.recordings.map(recordingSummary) } };
    }
    const recordingMatch = /^\/ws\/2\/recording\/([0-9a-f-]{36})$/.exec(url.pathname);
    if (recordingMatch) {
      entry.route = 'recording';
      const found = recordings.get(recordingMatch[1]);
      if (!found) return { status: 404, body: NOT_FOUND };
      const inc = new Set((url.searchParams.get('inc') ?? '').split(/[+ ]/).filter(Boolean));
      return { status: 200, body: recordingJson(found.recording, inc) };
    }
    return { status: 404, body: NOT_FOUND };
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const client = req.headers['user-agent'] ?? '';
    const at = performance.now();
    const entry: MusicBrainzRequestLogEntry = { index: log.length + 1, at, client, route: 'other', url: url.pathname + url.search, status: 0 };
    log.push(entry);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      entry.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    req.resume();
    if (!/\(.+\)|@|https?:\/\//.test(client)) {
      send(403, { error: 'Please identify your application in the User-Agent, with a contact: https://wiki.musicbrainz.org/MusicBrainz_API/Rate_Limiting' });
      return;
    }
    const previous = lastAccepted.get(client);
    if (options.busyRequests?.has(entry.index) || (minIntervalMs > 0 && previous !== undefined && at - previous < minIntervalMs - toleranceMs)) {
      send(503, { error: RATE_LIMITED }, { 'retry-after': '1' });
      return;
    }
    lastAccepted.set(client, at);
    const reply = answer(url, entry);
    const slow = entry.route === 'recording' && new Prng(hash32(`slow:${url.pathname}`)).chance(slowShare);
    if (!slow || slowMs <= 0) {
      send(reply.status, reply.body, reply.headers);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      send(reply.status, reply.body, reply.headers);
    }, slowMs);
    timers.add(timer);
  });

  const address = await listen(server, options.port, options.host);
  return {
    url: address.url,
    port: address.port,
    requests: log,
    modelOf: (isrc) => model.get(isrc.toUpperCase()),
    count: (route, status) => log.filter((e) => e.route === route && (status === undefined || e.status === status)).length,
    clearLog: () => {
      log.length = 0;
    },
    close: () => stop(server, timers),
  };
}
