import * as fs from 'node:fs';
import { expect } from 'chai';
import { buildDemoCatalog, demoUserPlaylistId, GLOBAL_WEEKLY_ALIAS, TOP_50_GLOBAL_PLAYLIST_ID, type DemoCatalog } from '../../src/demo/catalog';
import { DEVELOPMENT_MODE_DROPPED } from '../../src/demo/render';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  startSpotifyServer,
  type ServerMode,
  type SpotifyServer,
} from '../../src/demo/spotify-server';
import { DOCUMENTED_REMOVALS_NOT_DEPRECATED, OpenApiValidator, SPEC_PATH } from './openapi';
import { skipBecause } from '../support/skip';

interface Answer {
  status: number;
  body: unknown;
}

/** A sample of ids that covers the catalog's variety (singles, albums, compilations, collaborations, old releases). */
function sample(catalog: DemoCatalog) {
  const albums = [...catalog.albums.values()];
  const pickAlbums = [
    albums.find((a) => a.albumType === 'single'),
    albums.find((a) => a.albumType === 'album'),
    albums.find((a) => a.albumType === 'compilation'),
    albums.find((a) => a.releaseDatePrecision === 'year'),
    albums.find((a) => a.artistIds.length > 1),
  ].filter((a) => a !== undefined);
  const tracks = [
    ...catalog.charts.get(GLOBAL_WEEKLY_ALIAS)![0].entries.slice(0, 5).map((e) => e.trackId),
    [...catalog.tracks.values()].find((t) => t.artistIds.length > 2)!.id,
    ...pickAlbums.map((a) => a.trackIds[0]),
  ];
  const artists = [
    ...new Set([...tracks.flatMap((id) => catalog.tracks.get(id)!.artistIds), [...catalog.artists.values()].find((a) => a.genres.length === 0)!.id]),
  ];
  return { tracks, albums: pickAlbums.map((a) => a.id), artists };
}

describe('demo server: every answer matches the Spotify Web API OpenAPI document', function () {
  let openapi: OpenApiValidator;
  let catalog: DemoCatalog;
  let server: SpotifyServer;
  let token: string;

  beforeEach(function () {
    if (!fs.existsSync(SPEC_PATH)) {
      // A fresh clone has no ../shared: say what is missing instead of failing.
      skipBecause(this, `${SPEC_PATH} is missing (../shared/spec beside the checkout)`);
    }
  });

  before(async function () {
    if (!fs.existsSync(SPEC_PATH)) return;
    openapi = new OpenApiValidator();
    catalog = buildDemoCatalog();
    server = await startSpotifyServer({ catalog });
  });

  after(async () => server?.close());

  async function get(path: string, auth: string | null = token): Promise<Answer> {
    const response = await fetch(`${server.url}${path}`, { headers: auth ? { Authorization: `Bearer ${auth}` } : {} });
    return { status: response.status, body: await response.json() };
  }

  async function newToken(): Promise<Answer> {
    const response = await fetch(`${server.url}/api/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${DEMO_CLIENT_ID}:${DEMO_CLIENT_SECRET}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    return { status: response.status, body: await response.json() };
  }

  /** Validates against the document variant of the server's mode; collects every problem for one message. */
  function check(mode: ServerMode, specPath: string, answer: Answer, expectedStatus: number, problems: string[], label: string): void {
    if (answer.status !== expectedStatus) {
      problems.push(`${label}: status ${answer.status}, expected ${expectedStatus}`);
      return;
    }
    const variant = mode === 'extended' ? 'as-published' : 'development';
    for (const error of openapi.errors(variant, specPath, answer.status, answer.body)) problems.push(`${label}: ${error}`);
  }

  for (const mode of ['extended', 'development'] as const) {
    describe(`${mode} mode`, () => {
      before(async function () {
        if (!server) return;
        server.mode = mode;
        const issued = await newToken();
        token = (issued.body as { access_token: string }).access_token;
      });

      it('single gets: /tracks/{id}, /albums/{id}, /artists/{id}', async () => {
        const ids = sample(catalog);
        const problems: string[] = [];
        for (const id of ids.tracks) check(mode, '/tracks/{id}', await get(`/v1/tracks/${id}`), 200, problems, `track ${id}`);
        for (const id of ids.albums) check(mode, '/albums/{id}', await get(`/v1/albums/${id}`), 200, problems, `album ${id}`);
        for (const id of ids.artists) check(mode, '/artists/{id}', await get(`/v1/artists/${id}`), 200, problems, `artist ${id}`);
        expect(problems).to.deep.equal([]);
      });

      it('batch gets: 200 in extended mode, 403 in development mode', async () => {
        const ids = sample(catalog);
        const status = mode === 'extended' ? 200 : 403;
        const problems: string[] = [];
        check(mode, '/tracks', await get(`/v1/tracks?ids=${ids.tracks.join(',')}`), status, problems, 'tracks');
        check(mode, '/albums', await get(`/v1/albums?ids=${ids.albums.join(',')}`), status, problems, 'albums');
        check(mode, '/artists', await get(`/v1/artists?ids=${ids.artists.join(',')}`), status, problems, 'artists');
        expect(problems).to.deep.equal([]);
      });

      it('playlist items: every page of a user playlist; the editorial Top 50 (404 in development mode)', async () => {
        const problems: string[] = [];
        const id = demoUserPlaylistId(catalog);
        for (let offset = 0; offset < catalog.playlists.get(id)!.trackIds.length; offset += 50) {
          check(mode, '/playlists/{playlist_id}/items', await get(`/v1/playlists/${id}/items?limit=50&offset=${offset}`), 200, problems, `page ${offset}`);
        }
        const editorial = await get(`/v1/playlists/${TOP_50_GLOBAL_PLAYLIST_ID}/items?limit=50`);
        check(mode, '/playlists/{playlist_id}/items', editorial, mode === 'extended' ? 200 : 404, problems, 'Top 50');
        expect(problems).to.deep.equal([]);
      });

      it('error answers: 400 invalid id, 401 without token, 404 unknown id, 429 rate limited', async () => {
        const problems: string[] = [];
        check(mode, '/tracks/{id}', await get('/v1/tracks/not-an-id'), 400, problems, 'invalid id');
        check(mode, '/tracks/{id}', await get(`/v1/tracks/${sample(catalog).tracks[0]}`, null), 401, problems, 'no token');
        check(mode, '/albums/{id}', await get('/v1/albums/0000000000000000000000'), 404, problems, 'unknown album');
        server.faults = { every: 1, kinds: ['429'], scope: 'web-api' };
        try {
          check(mode, '/artists/{id}', await get(`/v1/artists/${sample(catalog).artists[0]}`), 429, problems, 'rate limited');
        } finally {
          server.faults = undefined;
        }
        expect(problems).to.deep.equal([]);
      });

      it(`objects ${mode === 'development' ? 'lack' : 'carry'} the fields Development Mode apps lost`, async () => {
        const ids = sample(catalog);
        const track = (await get(`/v1/tracks/${ids.tracks[0]}`)).body as Record<string, unknown>;
        const album = (await get(`/v1/albums/${ids.albums[1]}`)).body as Record<string, unknown>;
        const artist = (await get(`/v1/artists/${ids.artists[0]}`)).body as Record<string, unknown>;
        const present = (object: Record<string, unknown>, names: readonly string[]) => names.filter((n) => n in object);
        const expected = (names: readonly string[]) => (mode === 'extended' ? names.filter((n) => n !== 'linked_from') : []);
        expect(present(track, DEVELOPMENT_MODE_DROPPED.track)).to.deep.equal(expected(DEVELOPMENT_MODE_DROPPED.track));
        expect(present(album, DEVELOPMENT_MODE_DROPPED.album)).to.deep.equal(expected(DEVELOPMENT_MODE_DROPPED.album));
        expect(present(artist, DEVELOPMENT_MODE_DROPPED.artist)).to.deep.equal(expected(DEVELOPMENT_MODE_DROPPED.artist));
        // Nested objects too: the album inside a track, the tracks inside an album.
        expect('available_markets' in (track.album as object)).to.equal(mode === 'extended');
        const albumTrack = (album.tracks as { items: Record<string, unknown>[] }).items[0];
        expect('available_markets' in albumTrack).to.equal(mode === 'extended');
      });
    });
  }

  it('the fields the development server drops are the ones the document deprecates (or SPOTIFY.md names)', function () {
    const schemaOf = { track: 'TrackObject', album: 'AlbumObject', artist: 'ArtistObject' } as const;
    for (const [kind, names] of Object.entries(DEVELOPMENT_MODE_DROPPED) as [keyof typeof schemaOf, readonly string[]][]) {
      for (const name of names) {
        const documented = openapi.isDeprecated(schemaOf[kind], name) || DOCUMENTED_REMOVALS_NOT_DEPRECATED.includes(name);
        expect(documented, `${schemaOf[kind]}.${name}`).to.equal(true);
      }
    }
  });

  it('the development variant relaxes only the deprecated (and documented) requirements', async () => {
    server.mode = 'extended';
    token = ((await newToken()).body as { access_token: string }).access_token;
    const album = (await get(`/v1/albums/${sample(catalog).albums[1]}`)).body as Record<string, unknown>;
    expect(openapi.errors('as-published', '/albums/{id}', 200, album)).to.deep.equal([]);
    const { popularity: _p, external_ids: _e, available_markets: _m, ...lean } = album;
    expect(openapi.errors('as-published', '/albums/{id}', 200, lean).join('\n')).to.match(/required property 'popularity'/);
    expect(openapi.errors('development', '/albums/{id}', 200, lean)).to.deep.equal([]);
    const { copyrights: _c, ...withoutCopyrights } = lean;
    expect(openapi.errors('development', '/albums/{id}', 200, withoutCopyrights).join('\n')).to.match(/required property 'copyrights'/);
    // nullable is understood: a null preview_url is fine, a null name is not.
    const track = (await get(`/v1/tracks/${sample(catalog).tracks[0]}`)).body as Record<string, unknown>;
    expect(track.preview_url).to.equal(null);
    expect(openapi.errors('as-published', '/tracks/{id}', 200, track)).to.deep.equal([]);
    expect(openapi.errors('as-published', '/tracks/{id}', 200, { ...track, name: null }).join('\n')).to.match(/\/name must be string/);
  });
});
