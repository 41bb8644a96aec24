/**
 * Issue 13's "done when", through the lake a user gets: the 52 real US weeks imported from CSV, then
 * `chartlake enrich`'s code path (enrichment objects stored, the weeks rebuilt from all their raw objects in one
 * transform) against `spotify-server --from-lake`. Every figure is read back through the lake's views.
 */
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { buildLakeCatalog } from '../../src/demo/lake-catalog';
import { startSpotifyServer, type SpotifyServer } from '../../src/demo/spotify-server';
import { handleEnrich, readLakeWeeks } from '../../src/extract';
import { silentLogger } from '../../src/log';
import { LocalPipeline } from '../../src/pipeline';
import { runSavedAnalysis, savedAnalysis, type DuckDbEngine } from '../../src/query';
import { FsStore } from '../../src/store';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';
import { testOptions } from './helpers';

describe('imported history enriched: albums, release dates and artist ids for every chart entry (real US 2023)', function () {
  let dir: string;
  let server: SpotifyServer;
  let pipeline: LocalPipeline;
  let engine: DuckDbEngine;
  let secondRunRequests: number;
  const RANGE = { chart: 'regional-us-weekly', from_week: '2023-01-01', to_week: '2023-12-31' };

  before(async function () {
    requireShared(this);
    dir = tempDir('enriched-history');
    pipeline = await LocalPipeline.open(new FsStore(dir), silentLogger);
    const imported = await pipeline.importFiles(readdirSync(US_2023).map((name) => path.join(US_2023, name)));
    expect(imported.weeks).to.have.length(52);
    server = await startSpotifyServer({ catalog: buildLakeCatalog(await readLakeWeeks(pipeline.store)), mode: 'development' });
    const enrich = () => handleEnrich({}, { store: pipeline.store, options: testOptions(server.url), log: silentLogger });
    const { value: first, transformed } = await pipeline.inOneBatch(enrich);
    expect(first.weeks).to.have.length(52);
    expect(transformed.refused).to.deep.equal([]);
    expect(transformed.weeks).to.have.length(52);
    const before = server.requests.length;
    const { value: second } = await pipeline.inOneBatch(enrich);
    expect(second.weeks).to.have.length(0);
    secondRunRequests = server.requests.length - before;
    await pipeline.crawl();
    engine = await pipeline.engine();
  });
  after(async () => {
    await engine?.close();
    await pipeline?.close();
    await server?.close();
    if (dir) removeDir(dir);
  });

  const scalar = async (sql: string) => Number(Object.values((await engine.query(sql)).rows[0])[0]);

  it('every chart entry has its album and its release date; every credited artist has an id', async () => {
    expect(await scalar('SELECT count(*) FROM chart_entries')).to.equal(10400);
    expect(await scalar('SELECT count(*) FROM chart_entries AS e JOIN tracks AS t USING (chart, week, track_id) WHERE t.album_id IS NULL')).to.equal(0);
    expect(await scalar('SELECT count(*) FROM chart_entries AS e LEFT JOIN tracks AS t USING (chart, week, track_id) LEFT JOIN albums AS a USING (chart, week, album_id) WHERE a.release_date IS NULL')).to.equal(0);
    expect(await scalar('SELECT count(*) FROM track_artists WHERE artist_id IS NULL')).to.equal(0);
    expect(await scalar("SELECT count(DISTINCT artist_id) FROM track_artists WHERE artist_name = 'Tyler, The Creator'")).to.equal(1);
    // Every week is enriched now, and says so in its lineage; each was built from its CSV and its enrichment object.
    expect(await scalar('SELECT count(*) FROM _runs WHERE enriched AND len(raw_keys) = 2')).to.equal(52);
  });

  it('top-albums returns rows and chart-patterns has no empty column', async () => {
    const albums = await runSavedAnalysis(engine, savedAnalysis('top-albums'), RANGE);
    expect(albums.rows.length).to.be.greaterThan(10);
    const patterns = await runSavedAnalysis(engine, savedAnalysis('chart-patterns'), RANGE);
    expect(patterns.rows).to.have.length(52);
    for (const column of patterns.columns) {
      expect(patterns.rows.some((row) => row[column.name] !== null), `chart-patterns.${column.name} is empty`).to.equal(true);
    }
  });

  it('a second enrich asks Spotify for nothing', () => {
    expect(secondRunRequests).to.equal(0);
  });
});
