import { expect } from 'chai';
import { errorMessage, isQuotaExceeded, retryAfterMs } from '../../src/sources/http';
import { splitArtistNames } from '../../src/sources/artist-names';
import { parseCsv } from '../../src/extract/lake-weeks';
import { isEnrichmentKey, rawEnrichmentKey, rawSpotifyKey } from '../../src/store';
import { Limiter, mapLimited } from '../../src/sources/limiter';
import { parseSource, resolveOptions, DEFAULT_SPOTIFY_SOURCE_OPTIONS } from '../../src/sources/options';

describe('sources: small parts', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('2')).to.equal(2000);
    expect(retryAfterMs(['0.5'])).to.equal(500);
    expect(retryAfterMs(undefined)).to.equal(undefined);
    expect(retryAfterMs('soon')).to.equal(undefined);
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    expect(retryAfterMs(inAMinute)).to.be.within(55_000, 60_000);
  });

  it('tells a spent quota from a rate limit by the 429 body', () => {
    expect(isQuotaExceeded('{"error":{"status":429,"message":"Too many requests","reason":"QUOTA_EXCEEDED"}}')).to.equal(true);
    expect(isQuotaExceeded('{"error":{"status":429,"message":"API rate limit exceeded"}}')).to.equal(false);
  });

  it('splits a CSV artist list at ", " but keeps names that hold one whole', () => {
    expect(splitArtistNames('Tyler, The Creator, Kali Uchis')).to.deep.equal(['Tyler, The Creator', 'Kali Uchis']);
    expect(splitArtistNames('Kali Uchis, Tyler, The Creator')).to.deep.equal(['Kali Uchis', 'Tyler, The Creator']);
    expect(splitArtistNames('Drake, 21 Savage')).to.deep.equal(['Drake', '21 Savage']);
    expect(splitArtistNames('Tyler Childers')).to.deep.equal(['Tyler Childers']);
    expect(splitArtistNames('Earth, Wind & Fire, Drake')).to.deep.equal(['Earth, Wind & Fire', 'Drake']);
  });

  it('names enrichment objects apart from extracts, in the same week folder', () => {
    const week = { chart: 'regional-us-weekly', week: '2023-01-05' };
    const key = rawEnrichmentKey(week, '2026-11-30T04:00:00.000Z');
    expect(key).to.equal('raw/spotify/regional-us-weekly/week=2023-01-05/enrichment-2026-11-30T04-00-00.000Z.json');
    expect(isEnrichmentKey(key)).to.equal(true);
    expect(isEnrichmentKey(rawSpotifyKey(week, '2026-11-30T04:00:00.000Z'))).to.equal(false);
  });

  it('reads CSV with quotes, doubled quotes, CRLF and a byte-order mark', () => {
    expect(parseCsv('\ufeffa,b\r\n1,"x, ""y"""\r\n\r\n2,z')).to.deep.equal([['a', 'b'], ['1', 'x, "y"'], ['2', 'z']]);
  });

  it('finds the message of Web API and Accounts error bodies', () => {
    expect(errorMessage('{"error":{"status":429,"message":"API rate limit exceeded"}}')).to.equal('API rate limit exceeded');
    expect(errorMessage('{"error":"invalid_client","error_description":"Invalid client"}')).to.equal('invalid_client: Invalid client');
    expect(errorMessage('<html>502</html>')).to.equal(undefined);
  });

  it('limits concurrency and stops starting tasks after a failure', async () => {
    const limiter = new Limiter(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const result = mapLimited([1, 2, 3, 4, 5, 6], limiter, async (n) => {
      started.push(n);
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      if (n === 2) throw new Error('boom');
      return n;
    });
    const error = await result.then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.equal('boom');
    expect(peak).to.equal(2);
    expect(running).to.equal(0);
    expect(started.length).to.be.below(6);
    expect(await mapLimited([1, 2, 3], new Limiter(1), async (n) => n * 2)).to.deep.equal([2, 4, 6]);
  });

  it('parses sources and fills defaults for omitted tuning options', () => {
    expect(parseSource('charts-service')).to.deep.equal({ kind: 'charts-service' });
    expect(parseSource('playlist')).to.deep.equal({ kind: 'playlist', playlistId: '37i9dQZEVXbMDoHDwVN2tF' });
    expect(parseSource('playlist:abc')).to.deep.equal({ kind: 'playlist', playlistId: 'abc' });
    expect(() => parseSource('csv')).to.throw(/unknown source "csv"/);
    const resolved = resolveOptions({ ...DEFAULT_SPOTIFY_SOURCE_OPTIONS, backoffBaseMs: undefined, cachePrefix: 'cache/x' });
    expect(resolved.backoffBaseMs).to.equal(500);
    expect(resolved.cachePrefix).to.equal('cache/x/');
    expect(() => resolveOptions({ ...DEFAULT_SPOTIFY_SOURCE_OPTIONS, concurrency: 0 })).to.throw(/concurrency must be at least 1/);
  });
});
