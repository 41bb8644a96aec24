/**
 * The lake's cache of every track, album and artist object fetched from the Web API, so a weekly run asks
 * only for what is new (and for artists older than the refresh age).
 *
 * Layout: `cache/spotify/entities/<written-at>-<random>.json.gz`, one gzip'd JSON *segment* per run that
 * fetched something, holding that run's fresh tracks, albums and artists together. Why:
 *  - S3 cost: a run costs one LIST, one GET per segment and one PUT, not one object per entity (thousands of
 *    tiny PUTs and GETs); gzip shrinks the repetitive objects (market lists) about tenfold.
 *  - Consistency: a segment is written with one atomic `put`, and only after the week's envelope is complete,
 *    so a failed week leaves the cache exactly as it was, and a crash can never leave half a segment.
 *  - Growth: when more than `maxSegments` segments exist, they are merged into one new segment first and the
 *    merged ones deleted after; a crash in between only leaves duplicates, which merging on read absorbs.
 *    Concurrent runs only ever delete segments they read, never one written meanwhile.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import type { ObjectStore } from '../store';
import type { ApiMode, SpotifyAlbum, SpotifyArtist, SpotifyTrack } from './envelope';
import type { Log } from './log';

export const DEFAULT_CACHE_PREFIX = 'cache/spotify/';
const SEGMENTS = 'entities/';
const FORMAT = 'chartlake.spotify-entity-cache';

export interface CachedEntity<T> {
  fetched_at: string;
  object: T;
}

interface Segment {
  format: typeof FORMAT;
  version: 1;
  written_at: string;
  /** The API mode the run used; the newest segment's tells later runs that fetch nothing. */
  api_mode: ApiMode;
  tracks: Record<string, CachedEntity<SpotifyTrack>>;
  albums: Record<string, CachedEntity<SpotifyAlbum>>;
  artists: Record<string, CachedEntity<SpotifyArtist>>;
}

export interface EntitySet {
  tracks: Map<string, SpotifyTrack>;
  albums: Map<string, SpotifyAlbum>;
  artists: Map<string, SpotifyArtist>;
}

export function emptyEntitySet(): EntitySet {
  return { tracks: new Map(), albums: new Map(), artists: new Map() };
}

export class EntityCache {
  private constructor(
    private readonly store: ObjectStore,
    private readonly prefix: string,
    private readonly tracks: Map<string, CachedEntity<SpotifyTrack>>,
    private readonly albums: Map<string, CachedEntity<SpotifyAlbum>>,
    private readonly artists: Map<string, CachedEntity<SpotifyArtist>>,
    /** Segments read at load time (the only ones a compaction may delete). */
    private readonly segmentKeys: string[],
    readonly lastApiMode: ApiMode | undefined,
    private readonly log: Log,
  ) {}

  static async load(store: ObjectStore, prefix: string, log: Log): Promise<EntityCache> {
    const keys = (await store.list(`${prefix}${SEGMENTS}`)).map((o) => o.key).filter((k) => k.endsWith('.json.gz'));
    const read = await Promise.all(keys.map(async (key) => ({ key, segment: await readSegment(store, key, log) })));
    const segments = read.filter((s): s is { key: string; segment: Segment } => s.segment !== undefined);
    const tracks = new Map<string, CachedEntity<SpotifyTrack>>();
    const albums = new Map<string, CachedEntity<SpotifyAlbum>>();
    const artists = new Map<string, CachedEntity<SpotifyArtist>>();
    let newest: Segment | undefined;
    for (const { segment } of segments) {
      mergeNewer(tracks, segment.tracks);
      mergeNewer(albums, segment.albums);
      mergeNewer(artists, segment.artists);
      if (segment.api_mode !== 'none' && (!newest || segment.written_at >= newest.written_at)) newest = segment;
    }
    log('debug', 'entity cache loaded', { segments: segments.length, tracks: tracks.size, albums: albums.size, artists: artists.size });
    return new EntityCache(store, prefix, tracks, albums, artists, segments.map((s) => s.key), newest?.api_mode, log);
  }

  track(id: string): CachedEntity<SpotifyTrack> | undefined {
    return this.tracks.get(id);
  }

  album(id: string): CachedEntity<SpotifyAlbum> | undefined {
    return this.albums.get(id);
  }

  artist(id: string): CachedEntity<SpotifyArtist> | undefined {
    return this.artists.get(id);
  }

  get segmentCount(): number {
    return this.segmentKeys.length;
  }

  /**
   * Writes the run's fresh entities as one segment (nothing when there are none), then compacts when there are
   * more than `maxSegments` segments. Call it only once the week's envelope is complete.
   */
  async commit(fresh: EntitySet, apiMode: ApiMode, fetchedAt: Date, maxSegments: number): Promise<string | undefined> {
    if (fresh.tracks.size + fresh.albums.size + fresh.artists.size === 0) return undefined;
    const at = fetchedAt.toISOString();
    const segment: Segment = {
      format: FORMAT,
      version: 1,
      written_at: at,
      api_mode: apiMode,
      tracks: wrap(fresh.tracks, at),
      albums: wrap(fresh.albums, at),
      artists: wrap(fresh.artists, at),
    };
    const key = segmentKey(this.prefix, at);
    await this.store.put(key, gzipSync(JSON.stringify(segment)));
    mergeNewer(this.tracks, segment.tracks);
    mergeNewer(this.albums, segment.albums);
    mergeNewer(this.artists, segment.artists);
    this.log('info', 'entity cache updated', { key, tracks: fresh.tracks.size, albums: fresh.albums.size, artists: fresh.artists.size });
    if (this.segmentKeys.length + 1 > maxSegments) await this.compact([...this.segmentKeys, key], apiMode, at);
    else this.segmentKeys.push(key);
    return key;
  }

  private async compact(merged: string[], apiMode: ApiMode, at: string): Promise<void> {
    const segment: Segment = {
      format: FORMAT,
      version: 1,
      written_at: at,
      api_mode: apiMode,
      tracks: Object.fromEntries(this.tracks),
      albums: Object.fromEntries(this.albums),
      artists: Object.fromEntries(this.artists),
    };
    const key = segmentKey(this.prefix, at);
    await this.store.put(key, gzipSync(JSON.stringify(segment)));
    for (const old of merged) await this.store.delete(old);
    this.segmentKeys.splice(0, this.segmentKeys.length, key);
    this.log('info', 'entity cache compacted', { key, merged: merged.length });
  }
}

async function readSegment(store: ObjectStore, key: string, log: Log): Promise<Segment | undefined> {
  const bytes = await store.get(key);
  if (!bytes) return undefined; // deleted by a concurrent compaction
  try {
    const value = JSON.parse(gunzipSync(bytes).toString('utf8')) as Partial<Segment>;
    if (value.format !== FORMAT || value.version !== 1 || !value.tracks || !value.albums || !value.artists) {
      throw new Error('not a cache segment of a known version');
    }
    return value as Segment;
  } catch (error) {
    // A damaged segment costs only re-fetching what it held; it must not stop the week.
    log('warn', 'ignoring an unreadable entity cache segment', { key, problem: (error as Error).message });
    return undefined;
  }
}

/** Keeps, per id, the most recently fetched object (ties: the later segment). */
function mergeNewer<T>(into: Map<string, CachedEntity<T>>, from: Record<string, CachedEntity<T>>): void {
  for (const [id, entry] of Object.entries(from)) {
    const had = into.get(id);
    if (!had || entry.fetched_at >= had.fetched_at) into.set(id, entry);
  }
}

function wrap<T>(objects: Map<string, T>, at: string): Record<string, CachedEntity<T>> {
  const out: Record<string, CachedEntity<T>> = {};
  for (const [id, object] of objects) out[id] = { fetched_at: at, object };
  return out;
}

function segmentKey(prefix: string, at: string): string {
  return `${prefix}${SEGMENTS}${at.replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.json.gz`;
}
