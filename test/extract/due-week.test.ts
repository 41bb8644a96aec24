import { expect } from 'chai';
import { buildDemoCatalog } from '../../src/demo/catalog';
import { DEMO_CHARTS_TOKEN, demoSourceOptions, startSpotifyServer, type SpotifyServer } from '../../src/demo/spotify-server';
import { dueChartWeek, handleExtract, overdueAt, WeekNotPublishedError } from '../../src/extract';
import { memoryLogger } from '../../src/log';
import { findGaps } from '../../src/quality';
import { FsStore } from '../../src/store';
import { removeDir, tempDir } from '../support/lake';

const CHART = 'regional-global-weekly';
/** A chart week (Friday 2026-11-13 .. Thursday 2026-11-19) and the one before it. */
const WEEK = '2026-11-19';
const LAST_WEEK = '2026-11-12';

describe('the extract knows which chart week is due', () => {
  it('dueChartWeek: the Thursday that ended the latest complete chart week, from Friday 12:00 UTC (the week has ended everywhere)', () => {
    expect(dueChartWeek(new Date('2026-11-20T11:59:59Z'))).to.equal(LAST_WEEK);
    expect(dueChartWeek(new Date('2026-11-20T12:00:00Z'))).to.equal(WEEK);
    expect(dueChartWeek(new Date('2026-11-24T21:00:00Z'))).to.equal(WEEK);
    expect(dueChartWeek(new Date('2026-11-27T11:00:00Z'))).to.equal(WEEK);
    expect(dueChartWeek(new Date('2026-11-27T12:00:00Z'))).to.equal('2026-11-26');
    expect(overdueAt(WEEK).toISOString()).to.equal('2026-11-24T18:00:00.000Z');
  });

  describe('against the Spotify-compatible test server', () => {
    let server: SpotifyServer;
    let dir: string;
    let store: FsStore;
    before(async () => {
      server = await startSpotifyServer({ catalog: buildDemoCatalog({ weeks: 2, chartSize: 50, endWeek: WEEK }), latestWeek: LAST_WEEK });
    });
    after(async () => server?.close());
    beforeEach(() => {
      server.latestWeek = LAST_WEEK;
      dir = tempDir('due-week');
      store = new FsStore(dir);
    });
    afterEach(() => removeDir(dir));

    const at = (iso: string) => () => new Date(iso);
    /** As deployed: no charts token, so the public endpoint (the latest week only). */
    const publicOptions = () => demoSourceOptions(server.url, { chartsToken: undefined });

    it('at Friday 12:00 UTC with only last week published: fails retryably ("not published yet"), writes nothing', async () => {
      const log = memoryLogger();
      const error = await handleExtract({ chart: CHART }, { store, options: publicOptions(), now: at('2026-11-20T12:00:00Z'), dueWeek: true, log }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(WeekNotPublishedError);
      const notPublished = error as WeekNotPublishedError;
      expect([notPublished.retryable, notPublished.overdue, notPublished.week, notPublished.served]).to.deep.equal([true, false, WEEK, LAST_WEEK]);
      expect(notPublished.message).to.contain(`${CHART} ${WEEK} is not published yet`);
      expect(log.lines.join('\n')).to.contain('week not published yet');
      expect((await store.list('raw/')).map((o) => o.key)).to.deep.equal([]);
      // The week's extract lock is released for the next run.
      expect((await store.list('locks/')).map((o) => o.key)).to.deep.equal([]);
    });

    it('on Tuesday evening a week still missing is overdue: logged as "week overdue" (the stack\'s alarm metric), with how to fill it', async () => {
      const log = memoryLogger();
      const error = (await handleExtract({ chart: CHART }, { store, options: publicOptions(), now: at('2026-11-24T18:00:00Z'), dueWeek: true, log }).catch(
        (e: unknown) => e,
      )) as WeekNotPublishedError;
      expect(error.overdue).to.equal(true);
      expect(error.message).to.match(/overdue since 2026-11-24T18:00:00.000Z.*chartlake import.*chartlake run --week 2026-11-19/);
      expect(log.lines.join('\n')).to.contain('"week overdue"');
    });

    it('once published the due week is extracted; later runs of the window skip it without asking Spotify', async () => {
      server.latestWeek = WEEK;
      const options = publicOptions();
      const first = await handleExtract({ chart: CHART }, { store, options, now: at('2026-11-21T03:00:00Z'), dueWeek: true });
      expect([first.week, first.skipped]).to.deep.equal([WEEK, false]);
      server.latestWeek = LAST_WEEK; // whatever the service says now, the due week is in raw/
      const later = await handleExtract({ chart: CHART }, { store, options, now: at('2026-11-23T03:00:00Z'), dueWeek: true });
      expect([later.week, later.skipped, later.rawKey]).to.deep.equal([WEEK, true, first.rawKey]);
    });

    it('with a charts token the due week is asked for by date; "no chart for that date" is "not published yet"', async () => {
      const error = await handleExtract(
        { chart: CHART },
        { store, options: demoSourceOptions(server.url, { chartsToken: DEMO_CHARTS_TOKEN }), now: at('2026-11-20T18:00:00Z'), dueWeek: true },
      ).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(WeekNotPublishedError);
      expect((error as WeekNotPublishedError).served).to.equal(undefined);
    });

    it('two concurrent extracts of the due week (a duplicate EventBridge delivery) leave one raw object', async () => {
      server.latestWeek = WEEK;
      const options = publicOptions();
      const context = { store, options, dueWeek: true, lockWaitMs: 60_000, now: at('2026-11-21T03:00:00Z') };
      const results = await Promise.all([handleExtract({ chart: CHART }, context), handleExtract({ chart: CHART }, context)]);
      const raw = await store.list('raw/');
      expect(raw.map((o) => o.key)).to.have.length(1);
      expect(results.map((r) => r.skipped).sort()).to.deep.equal([false, true]);
      expect(results.map((r) => r.rawKey)).to.deep.equal([raw[0].key, raw[0].key]);
    });

    it('gaps lists a week missed because the public endpoint serves only the latest one, with how to fill it', async () => {
      server.latestWeek = WEEK;
      await handleExtract({ chart: CHART }, { store, options: publicOptions(), now: at('2026-11-21T03:00:00Z'), dueWeek: true });
      const gaps = await findGaps(store, { from: LAST_WEEK, to: LAST_WEEK, charts: [CHART] });
      expect(gaps.map((g) => [g.week, g.reason])).to.deep.equal([[LAST_WEEK, 'no_data']]);
      expect(gaps[0].fill).to.equal(
        `the public charts serve only the latest week: download ${CHART}-${LAST_WEEK}.csv from charts.spotify.com and ` +
          `chartlake import it, or chartlake run --chart ${CHART} --week ${LAST_WEEK} with a fresh charts token`,
      );
    });
  });
});
